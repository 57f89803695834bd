import Foundation
import GRDB
import GatehouseCore
import Logging

/// One-time codes: "sent" (to the log, and kept for `gatehouse users codes`), checked once, and
/// withdrawn after five wrong tries.
extension LocalPoolService {
    /// Where Cognito says a code went: `CodeDeliveryDetailsType`.
    public struct CodeDelivery: Sendable, Equatable {
        /// The masked address (`a***@e***`).
        public let destination: String
        /// `EMAIL`.
        public let medium: String
        /// `email`.
        public let attributeName: String
    }

    /// How long codes live, in seconds: a day to confirm a sign-up, an hour for the others.
    static func codeLifetime(_ purpose: CodePurpose) -> Double {
        purpose == .signUp ? 86_400 : 3_600
    }

    static let maximumCodeAttempts = 5

    /// A new code for `purpose`, replacing any earlier one; where it "went", when the user has an
    /// email. Refused with `LimitExceededException` past ``CodeLimits/maximumIssued`` codes.
    @discardableResult
    func sendCode(to user: UserRecord, purpose: CodePurpose) async throws(LocalPoolError) -> CodeDelivery? {
        let now = clock.now()
        var generator = SystemRandomNumberGenerator()
        let code = String(format: "%06d", Int(generator.next(upperBound: UInt64(1_000_000))))
        let record = UserCodeRecord(
            poolId: user.poolId,
            username: user.username,
            purpose: purpose,
            code: code,
            createdAt: now,
            expiresAt: now + Self.codeLifetime(purpose),
            failedAttempts: 0
        )
        let issued = try await write { db in
            guard try Self.countIssued(db, poolID: user.poolId, username: user.username, purpose: purpose, now: now) else { return false }
            try record.save(db)
            return true
        }
        guard issued else { throw CodeLimits.exceeded }
        // The pool's stand-in for mail, as the issue of codes asks: the code goes to the log.
        logger.notice(
            "gatehouse.pool.code_sent",
            metadata: [
                "gatehouse.pool.username": "\(user.username)", "gatehouse.pool.purpose": "\(purpose.rawValue)", "gatehouse.pool.code": "\(code)",
            ]
        )
        return user.attribute("email").map { CodeDelivery(destination: Self.masked(email: $0), medium: "EMAIL", attributeName: "email") }
    }

    /// What sending a code to a name that cannot receive one answers when existence is hidden: the
    /// same limits, counted the same way, and a made-up delivery (see ``simulatedDelivery(poolID:username:)``).
    func simulateCodeSent(poolID: String, username: String, purpose: CodePurpose) async throws(LocalPoolError) -> CodeDelivery {
        let now = clock.now()
        let issued = try await write { db in try Self.countIssued(db, poolID: poolID, username: username, purpose: purpose, now: now) }
        guard issued else { throw CodeLimits.exceeded }
        return try await simulatedDelivery(poolID: poolID, username: username)
    }

    /// Counts one code issued to `username` for `purpose` in `db`; false past the limit.
    private static func countIssued(_ db: Database, poolID: String, username: String, purpose: CodePurpose, now: Double) throws -> Bool {
        let key: [String: (any DatabaseValueConvertible)?] = ["poolId": poolID, "username": username, "purpose": purpose.rawValue]
        let stored = try CodeThrottleRecord.fetchOne(db, key: key)
        if stored == nil { try sweepThrottles(db, now: now) }
        var throttle = CodeLimits.current(stored, poolID: poolID, username: username, purpose: purpose, now: now)
        let allowed = CodeLimits.issue(&throttle, now: now)
        try throttle.save(db)
        return allowed
    }

    /// Drops counts whose window and block are over (names that never come back, made-up ones).
    private static func sweepThrottles(_ db: Database, now: Double) throws {
        try db.execute(
            sql: "DELETE FROM codeThrottle WHERE windowStart < ? AND blockedUntil < ?",
            arguments: [now - CodeLimits.window, now]
        )
    }

    /// Uses up `user`'s code for `purpose` when `code` is it; otherwise counts a wrong try,
    /// against the code (five withdraw it) and against the name across codes (see ``CodeLimits``).
    /// While the name is blocked no code is checked at all.
    func consumeCode(of user: UserRecord, purpose: CodePurpose, code: String) async throws(LocalPoolError) {
        enum Outcome: Sendable { case accepted, expired, mismatch, withdrawn, blocked }
        let now = clock.now()
        let (poolID, username) = (user.poolId, user.username)
        let outcome = try await write { db -> Outcome in
            let key: [String: (any DatabaseValueConvertible)?] = ["poolId": poolID, "username": username, "purpose": purpose.rawValue]
            var throttle = CodeLimits.current(
                try CodeThrottleRecord.fetchOne(db, key: key),
                poolID: poolID,
                username: username,
                purpose: purpose,
                now: now
            )
            guard throttle.blockedUntil <= now else { return .blocked }
            guard var stored = try UserCodeRecord.fetchOne(db, key: key), stored.expiresAt > now else { return .expired }
            if ConstantTime.equals(stored.code, code) {
                _ = try UserCodeRecord.deleteOne(db, key: key)
                _ = try CodeThrottleRecord.deleteOne(db, key: key)
                return .accepted
            }
            let blocked = CodeLimits.fail(&throttle, now: now)
            try throttle.save(db)
            stored.failedAttempts += 1
            if blocked || stored.failedAttempts >= Self.maximumCodeAttempts {
                _ = try UserCodeRecord.deleteOne(db, key: key)
                return .withdrawn
            }
            try stored.update(db)
            return .mismatch
        }
        switch outcome {
        case .accepted: return
        case .expired: throw LocalPoolError(.expiredCode, "Invalid code provided, please request a code again.")
        case .mismatch: throw LocalPoolError(.codeMismatch, "Invalid verification code provided, please try again.")
        case .withdrawn, .blocked: throw CodeLimits.exceeded
        }
    }

    /// What checking a code of a name that does not exist (or cannot use one) answers when
    /// existence is hidden: `CodeMismatchException`, counted against the name as a real wrong
    /// code is, so the limit comes at the same point.
    func refuseCode(poolID: String, username: String, purpose: CodePurpose) async throws(LocalPoolError) -> Never {
        let now = clock.now()
        let blocked = try await write { db -> Bool in
            let key: [String: (any DatabaseValueConvertible)?] = ["poolId": poolID, "username": username, "purpose": purpose.rawValue]
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
        if blocked { throw CodeLimits.exceeded }
        throw LocalPoolError(.codeMismatch, "Invalid verification code provided, please try again.")
    }

    /// The live codes of `username`, newest first (for `gatehouse users codes`).
    public func liveCodes(poolID: String, username: String) async throws(LocalPoolError) -> [UserCodeRecord] {
        let user = try await self.user(poolID: poolID, username: username)
        let now = clock.now()
        return try await read { db in
            try UserCodeRecord.filter(Column("poolId") == poolID && Column("username") == user.username && Column("expiresAt") > now)
                .order(Column("createdAt").desc).fetchAll(db)
        }
    }

    /// A made-up destination for `username`, shaped as a real one (`x***@y***`): its two letters
    /// come from a keyed hash of the name under the server's persistent key, so the same name
    /// gets the same answer every time, across restarts, and nothing tells it from a real one.
    func simulatedDelivery(poolID: String, username: String) async throws(LocalPoolError) -> CodeDelivery {
        let mac = try await serverMAC(poolID + "/" + username, purpose: .simulatedDelivery)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let destination = "\(letters[Int(mac[0]) % 26])***@\(letters[Int(mac[1]) % 26])***"
        return CodeDelivery(destination: destination, medium: "EMAIL", attributeName: "email")
    }

    /// `alice@example.com` → `a***@e***`, as Cognito shows destinations.
    static func masked(email: String) -> String {
        let parts = email.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return "***" }
        return "\(parts[0].prefix(1))***@\(parts[1].prefix(1))***"
    }
}
