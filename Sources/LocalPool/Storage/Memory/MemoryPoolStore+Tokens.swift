extension MemoryPoolStore: CodeRepository {
    func issue(_ code: UserCodeRecord, now: Double) async throws -> Bool {
        try transaction { tables in
            guard Self.countIssued(&tables, poolID: code.poolId, username: code.username, purpose: code.purpose, now: now) else { return false }
            tables.codes[CodeKey(user: Key(poolID: code.poolId, name: code.username), purpose: code.purpose)] = code
            return true
        }
    }

    func countIssued(poolID: String, username: String, purpose: CodePurpose, now: Double) async throws -> Bool {
        try transaction { Self.countIssued(&$0, poolID: poolID, username: username, purpose: purpose, now: now) }
    }

    func consume(poolID: String, username: String, purpose: CodePurpose, code: String, now: Double) async throws -> CodeCheck {
        try transaction { tables in
            let key = CodeKey(user: Key(poolID: poolID, name: username), purpose: purpose)
            var throttle = CodeLimits.current(tables.throttles[key], poolID: poolID, username: username, purpose: purpose, now: now)
            let (check, remaining) = CodeLimits.check(code, against: tables.codes[key], throttle: &throttle, now: now)
            switch check {
            case .blocked, .expired: break
            case .accepted:
                tables.codes[key] = nil
                tables.throttles[key] = nil
            case .withdrawn:
                tables.throttles[key] = throttle
                tables.codes[key] = nil
            case .mismatch:
                tables.throttles[key] = throttle
                tables.codes[key] = remaining
            }
            return check
        }
    }

    func countFailure(poolID: String, username: String, purpose: CodePurpose, now: Double) async throws -> Bool {
        try transaction { tables in
            let key = CodeKey(user: Key(poolID: poolID, name: username), purpose: purpose)
            var throttle = CodeLimits.current(tables.throttles[key], poolID: poolID, username: username, purpose: purpose, now: now)
            guard throttle.blockedUntil <= now else { return true }
            let blocked = CodeLimits.fail(&throttle, now: now)
            tables.throttles[key] = throttle
            return blocked
        }
    }

    func liveCodes(poolID: String, username: String, now: Double) async throws -> [UserCodeRecord] {
        try transaction { tables in
            tables.codes.values.filter { $0.poolId == poolID && $0.username == username && $0.expiresAt > now }.sorted { $0.createdAt > $1.createdAt }
        }
    }

    func deleteCodes(poolID: String, username: String, purpose: CodePurpose) async throws {
        try transaction { $0.codes[CodeKey(user: Key(poolID: poolID, name: username), purpose: purpose)] = nil }
    }

    private static func countIssued(_ tables: inout Tables, poolID: String, username: String, purpose: CodePurpose, now: Double) -> Bool {
        let key = CodeKey(user: Key(poolID: poolID, name: username), purpose: purpose)
        let stored = tables.throttles[key]
        if stored == nil {
            tables.throttles = tables.throttles.filter { !($0.value.windowStart < now - CodeLimits.window && $0.value.blockedUntil < now) }
        }
        var throttle = CodeLimits.current(stored, poolID: poolID, username: username, purpose: purpose, now: now)
        let allowed = CodeLimits.issue(&throttle, now: now)
        tables.throttles[key] = throttle
        return allowed
    }
}

extension MemoryPoolStore: ChallengeRepository {
    func create(_ challenge: AuthSessionRecord) async throws { try transaction { $0.challenges[challenge.sessionHash] = challenge } }

    func challenge(hash: String) async throws -> AuthSessionRecord? { try transaction { $0.challenges[hash] } }

    func update(_ challenge: AuthSessionRecord) async throws {
        try transaction { tables in
            if tables.challenges[challenge.sessionHash] != nil { tables.challenges[challenge.sessionHash] = challenge }
        }
    }

    func deleteChallenge(hash: String) async throws { try transaction { $0.challenges[hash] = nil } }
}

extension MemoryPoolStore: TokenRepository {
    func create(_ token: RefreshTokenRecord) async throws { try transaction { $0.refreshTokens[token.tokenHash] = token } }

    func refreshToken(hash: String) async throws -> RefreshTokenRecord? { try transaction { $0.refreshTokens[hash] } }

    func refreshTokenAndUser(hash: String) async throws -> (token: RefreshTokenRecord, user: UserRecord?, groups: [GroupRecord])? {
        try transaction { tables in
            guard let token = tables.refreshTokens[hash] else { return nil }
            guard let user = tables.users[Key(poolID: token.poolId, name: token.username)] else { return (token, nil, []) }
            return (token, user, tables.groups(ofUser: user.username, poolID: user.poolId))
        }
    }

    func rotate(hash: String, to successor: RefreshTokenRecord, now: Double) async throws {
        try transaction { tables in
            if tables.refreshTokens[hash]?.rotatedAt == nil { tables.refreshTokens[hash]?.rotatedAt = now }
            tables.refreshTokens[successor.tokenHash] = successor
        }
    }

    func revokeFamily(originJti: String, now: Double) async throws {
        try transaction { tables in
            for (hash, token) in tables.refreshTokens where token.originJti == originJti && token.revokedAt == nil {
                tables.refreshTokens[hash]?.revokedAt = now
            }
            tables.revokedOrigins.insert(originJti)
        }
    }

    func accessTokenState(poolID: String, username: String, originJti: String?) async throws -> (user: UserRecord?, revoked: Bool) {
        try transaction { tables in
            (tables.users[Key(poolID: poolID, name: username)], originJti.map { tables.revokedOrigins.contains($0) } ?? false)
        }
    }
}

extension MemoryPoolStore: HostedLoginRepository {
    func create(_ code: AuthCodeRecord) async throws { try transaction { $0.authCodes[code.codeHash] = code } }

    func redeem(codeHash hash: String, now: Double, originJti: String) async throws -> CodeRedemption? {
        try transaction { tables in
            guard var code = tables.authCodes[hash] else { return nil }
            guard code.usedAt == nil else { return .reused(originJti: code.originJti) }
            code.usedAt = now
            code.originJti = originJti
            tables.authCodes[hash] = code
            return .first(code)
        }
    }

    func startSession(hash: String, poolID: String, username: String, now: Double, lifetime: Double) async throws -> Bool {
        try transaction { tables in
            guard let user = tables.users[Key(poolID: poolID, name: username)] else { return false }
            tables.sessions[hash] = SSOSessionRecord.starting(hash: hash, for: user, now: now, lifetime: lifetime)
            return true
        }
    }

    func session(hash: String) async throws -> SSOSessionRecord? { try transaction { $0.sessions[hash] } }

    func endSession(hash: String) async throws { try transaction { $0.sessions[hash] = nil } }
}
