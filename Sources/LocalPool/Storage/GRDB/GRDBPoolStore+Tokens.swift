import Foundation
import GRDB

extension GRDBPoolStore: CodeRepository {
    func issue(_ code: UserCodeRecord, now: Double) async throws -> Bool {
        try await write { db in
            guard try Self.countIssued(db, poolID: code.poolId, username: code.username, purpose: code.purpose, now: now) else { return false }
            try UserCodeRow(code).save(db)
            return true
        }
    }

    func countIssued(poolID: String, username: String, purpose: CodePurpose, now: Double) async throws -> Bool {
        try await write { db in try Self.countIssued(db, poolID: poolID, username: username, purpose: purpose, now: now) }
    }

    func consume(poolID: String, username: String, purpose: CodePurpose, code: String, now: Double) async throws -> CodeCheck {
        try await write { db in
            let key = Self.codeKey(poolID, username, purpose)
            var throttle = CodeLimits.current(
                try CodeThrottleRecord.fetchOne(db, key: key),
                poolID: poolID,
                username: username,
                purpose: purpose,
                now: now
            )
            let stored = try UserCodeRow.fetchOne(db, key: key)?.value
            let (check, remaining) = CodeLimits.check(code, against: stored, throttle: &throttle, now: now)
            switch check {
            case .blocked, .expired: break
            case .accepted:
                _ = try UserCodeRow.deleteOne(db, key: key)
                _ = try CodeThrottleRecord.deleteOne(db, key: key)
            case .withdrawn:
                try throttle.save(db)
                _ = try UserCodeRow.deleteOne(db, key: key)
            case .mismatch:
                try throttle.save(db)
                try remaining.map(UserCodeRow.init)?.update(db)
            }
            return check
        }
    }

    func countFailure(poolID: String, username: String, purpose: CodePurpose, now: Double) async throws -> Bool {
        try await write { db in
            let key = Self.codeKey(poolID, username, purpose)
            var throttle = CodeLimits.current(
                try CodeThrottleRecord.fetchOne(db, key: key),
                poolID: poolID,
                username: username,
                purpose: purpose,
                now: now
            )
            guard throttle.blockedUntil <= now else { return true }
            let blocked = CodeLimits.fail(&throttle, now: now)
            try throttle.save(db)
            return blocked
        }
    }

    func liveCodes(poolID: String, username: String, now: Double) async throws -> [UserCodeRecord] {
        try await read { db in
            try UserCodeRow.filter(Column("poolId") == poolID && Column("username") == username && Column("expiresAt") > now)
                .order(Column("createdAt").desc).fetchAll(db).map(\.value)
        }
    }

    func deleteCodes(poolID: String, username: String, purpose: CodePurpose) async throws {
        try await write { db in
            _ = try UserCodeRow.filter(Column("poolId") == poolID && Column("username") == username && Column("purpose") == purpose.rawValue)
                .deleteAll(db)
        }
    }

    private static func codeKey(_ poolID: String, _ username: String, _ purpose: CodePurpose) -> [String: (any DatabaseValueConvertible)?] {
        ["poolId": poolID, "username": username, "purpose": purpose.rawValue]
    }

    /// Counts one code issued to `username` for `purpose`; false past the limit.
    private static func countIssued(_ db: Database, poolID: String, username: String, purpose: CodePurpose, now: Double) throws -> Bool {
        let stored = try CodeThrottleRecord.fetchOne(db, key: codeKey(poolID, username, purpose))
        if stored == nil {
            // Counts whose window and block are over go (names that never come back, made-up ones).
            try db.execute(sql: "DELETE FROM codeThrottle WHERE windowStart < ? AND blockedUntil < ?", arguments: [now - CodeLimits.window, now])
        }
        var throttle = CodeLimits.current(stored, poolID: poolID, username: username, purpose: purpose, now: now)
        let allowed = CodeLimits.issue(&throttle, now: now)
        try throttle.save(db)
        return allowed
    }
}

extension GRDBPoolStore: ChallengeRepository {
    func create(_ challenge: AuthSessionRecord) async throws {
        try await write { db in try challenge.insert(db) }
    }

    func challenge(hash: String) async throws -> AuthSessionRecord? {
        try await read { db in try AuthSessionRecord.fetchOne(db, key: hash) }
    }

    func update(_ challenge: AuthSessionRecord) async throws {
        try await write { db in try challenge.update(db) }
    }

    func deleteChallenge(hash: String) async throws {
        try await write { db in _ = try AuthSessionRecord.deleteOne(db, key: hash) }
    }
}

extension GRDBPoolStore: TokenRepository {
    func create(_ token: RefreshTokenRecord) async throws {
        try await write { db in try token.insert(db) }
    }

    func refreshToken(hash: String) async throws -> RefreshTokenRecord? {
        try await read { db in try RefreshTokenRecord.fetchOne(db, key: hash) }
    }

    func refreshTokenAndUser(hash: String) async throws -> (token: RefreshTokenRecord, user: UserRecord?, groups: [GroupRecord])? {
        try await read { db in
            let tokenQuery = try db.cachedStatement(sql: "SELECT * FROM refreshToken WHERE tokenHash = ?")
            guard let token = try RefreshTokenRecord.fetchOne(tokenQuery, arguments: [hash]) else { return nil }
            let userQuery = try db.cachedStatement(sql: "SELECT * FROM user WHERE poolId = ? AND username = ?")
            guard let user = try UserRow.fetchOne(userQuery, arguments: [token.poolId, token.username])?.value else { return (token, nil, []) }
            return (token, user, try Self.groups(ofUser: user.username, poolID: user.poolId, in: db))
        }
    }

    func rotate(hash: String, to successor: RefreshTokenRecord, now: Double) async throws {
        try await write { db in
            try RefreshTokenRecord.filter(Column("tokenHash") == hash && Column("rotatedAt") == nil).updateAll(db, Column("rotatedAt").set(to: now))
            try successor.insert(db)
        }
    }

    func revokeFamily(originJti: String, now: Double) async throws {
        try await write { db in
            try RefreshTokenRecord.filter(Column("originJti") == originJti && Column("revokedAt") == nil)
                .updateAll(db, Column("revokedAt").set(to: now))
            try RevokedOriginRecord(originJti: originJti, revokedAt: now).save(db)
        }
    }

    func accessTokenState(poolID: String, username: String, originJti: String?) async throws -> (user: UserRecord?, revoked: Bool) {
        try await read { db in
            let userQuery = try db.cachedStatement(sql: "SELECT * FROM user WHERE poolId = ? AND username = ?")
            let user = try UserRow.fetchOne(userQuery, arguments: [poolID, username])?.value
            guard let originJti else { return (user, false) }
            let originQuery = try db.cachedStatement(sql: "SELECT 1 FROM revokedOrigin WHERE originJti = ?")
            return (user, try Bool.fetchOne(originQuery, arguments: [originJti]) != nil)
        }
    }
}

extension GRDBPoolStore: HostedLoginRepository {
    func create(_ code: AuthCodeRecord) async throws {
        try await write { db in try code.insert(db) }
    }

    func redeem(codeHash hash: String, now: Double, originJti: String) async throws -> CodeRedemption? {
        // Marked used in the transaction that reads it: a second exchange finds it used.
        try await write { db in
            guard var code = try AuthCodeRecord.fetchOne(db, key: hash) else { return nil }
            guard code.usedAt == nil else { return .reused(originJti: code.originJti) }
            code.usedAt = now
            code.originJti = originJti
            try code.update(db)
            return .first(code)
        }
    }

    func startSession(hash: String, poolID: String, username: String, now: Double, lifetime: Double) async throws -> Bool {
        try await write { db in
            // The generation as stored now, not as the caller last read it.
            guard let user = try UserRow.fetchOne(db, key: ["poolId": poolID, "username": username])?.value else { return false }
            try SSOSessionRecord.starting(hash: hash, for: user, now: now, lifetime: lifetime).insert(db)
            return true
        }
    }

    func session(hash: String) async throws -> SSOSessionRecord? {
        try await read { db in try SSOSessionRecord.fetchOne(db, key: hash) }
    }

    func endSession(hash: String) async throws {
        try await write { db in _ = try SSOSessionRecord.deleteOne(db, key: hash) }
    }
}
