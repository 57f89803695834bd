/// An RSA signing key of a pool, for one token use.
struct SigningKeyRecord: Codable, Sendable {
    var kid: String
    var poolId: String
    var tokenUse: String
    var privateKeyPEM: String
    var createdAt: Double
}

/// A refresh token, stored by SHA-256 hash only.
struct RefreshTokenRecord: Codable, Sendable {
    var tokenHash: String
    var poolId: String
    var clientId: String
    var username: String
    var originJti: String
    var authTime: Double
    var scope: String
    var createdAt: Double
    var expiresAt: Double
    var revokedAt: Double?
    /// When a rotation replaced it: it still works for the client's grace period after that.
    var rotatedAt: Double?
    /// The device the sign-in came from (its refreshes must name it as `DEVICE_KEY`).
    var deviceKey: String? = nil
}

/// A revoked token family (every token whose `origin_jti` is this).
struct RevokedOriginRecord: Codable, Sendable {
    var originJti: String
    var revokedAt: Double
}

/// A pending auth challenge (NEW_PASSWORD_REQUIRED), stored by hash of its session string.
struct AuthSessionRecord: Codable, Sendable {
    var sessionHash: String
    var poolId: String
    var clientId: String
    var username: String
    var challenge: ChallengeName
    var expiresAt: Double
    /// Wrong answers given to it (MFA codes); at five it is withdrawn.
    var failedAttempts: Int = 0
    /// `MFA_SETUP`: the secret this session's AssociateSoftwareToken handed out.
    var pendingSecret: String?
    /// `MFA_SETUP`: whether this session's VerifySoftwareToken verified a code.
    var setupVerified: Bool = false
    /// The device this sign-in proved (`DEVICE_SRP_AUTH`), for the tokens the MFA step ends with.
    var deviceKey: String? = nil
}

/// An authorization code, stored by hash, single-use.
struct AuthCodeRecord: Codable, Sendable {
    var codeHash: String
    var poolId: String
    var clientId: String
    var username: String
    var redirectUri: String
    var scope: String
    var nonce: String?
    var codeChallenge: String?
    var authTime: Double
    var expiresAt: Double
    var usedAt: Double?
    /// The token family the first exchange started.
    var originJti: String?
}

/// A hosted-login session (the pool origin's cookie), stored by hash.
struct SSOSessionRecord: Codable, Sendable {
    var sessionHash: String
    var poolId: String
    var username: String
    var authTime: Double
    var expiresAt: Double
    /// The user's ``UserRecord/sessionGeneration`` when it started: it lives while they match.
    var generation: Int = 0

    /// A session for `user` from `now`, of their current generation.
    static func starting(hash: String, for user: UserRecord, now: Double, lifetime: Double) -> SSOSessionRecord {
        SSOSessionRecord(
            sessionHash: hash,
            poolId: user.poolId,
            username: user.username,
            authTime: now,
            expiresAt: now + lifetime,
            generation: user.sessionGeneration
        )
    }
}
