import Foundation
import GRDB
import GatehouseCore
import Logging

/// TOTP MFA: the pool's setting, a user's token and preference, and the sign-in challenges
/// `SOFTWARE_TOKEN_MFA` (a code) and `MFA_SETUP` (a pool with MFA on, a user without a token).
extension LocalPoolService {
    /// How long an MFA challenge's session may be answered, in seconds (Cognito's three minutes).
    static let mfaSessionLifetime = 180.0

    /// SetUserPoolMfaConfig.
    public func setMFAConfiguration(poolID: String, configuration: MFAConfiguration, softwareToken: Bool) async throws(LocalPoolError) -> PoolRecord {
        var pool = try await self.pool(poolID)
        guard configuration == .off || softwareToken else {
            throw .invalidParameter("Invalid MFA configuration given, can't turn on MFA without any enabled MFA factor.")
        }
        pool.mfaConfiguration = configuration
        pool.softwareTokenMFAEnabled = softwareToken
        pool.updatedAt = clock.now()
        let updated = pool
        try await write { db in try updated.update(db) }
        caches.remember(updated)
        return updated
    }

    /// Where a token operation comes from: the user's access token, or an `MFA_SETUP` session.
    public enum TokenOwner: Sendable {
        case accessToken(String)
        case session(String)
    }

    /// AssociateSoftwareToken: a new secret (base32), pending until a code from it is verified.
    /// An `MFA_SETUP` session keeps its secret to itself: another session (or the user's own
    /// enrolment elsewhere) neither sees nor replaces it.
    public func associateSoftwareToken(_ owner: TokenOwner) async throws(LocalPoolError) -> String {
        let secret = SoftwareToken.newSecret()
        switch owner {
        case .accessToken(let token):
            let user = try await userOfAccessToken(token)
            try await updateUser(poolID: user.poolId, username: user.username) { $0.totpPendingSecret = secret.key }
        case .session(let session):
            var (record, _) = try await pendingChallenge(.mfaSetup, session: session, client: nil, username: nil)
            record.pendingSecret = secret.key
            let updated = record
            try await write { db in try updated.update(db) }
        }
        return secret.base32
    }

    /// VerifySoftwareToken: a code from the pending secret makes it the user's token. From an
    /// `MFA_SETUP` session it is also turned on, and that session (only) may then complete the
    /// sign-in with RespondToAuthChallenge.
    public func verifySoftwareToken(_ owner: TokenOwner, code: String) async throws(LocalPoolError) {
        let user: UserRecord
        let pending: String?
        var setup: AuthSessionRecord?
        switch owner {
        case .accessToken(let token):
            user = try await userOfAccessToken(token)
            pending = user.totpPendingSecret
        case .session(let session):
            let (record, sessionUser) = try await pendingChallenge(.mfaSetup, session: session, client: nil, username: nil)
            (user, pending, setup) = (sessionUser, record.pendingSecret, record)
        }
        guard let pending else {
            throw LocalPoolError(.softwareTokenMFANotFound, "Software token MFA has not been associated with the user.")
        }
        guard let step = SoftwareToken.acceptedStep(code, key: pending, now: clock.now(), after: user.totpLastStep) else {
            throw LocalPoolError(.enableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
        }
        let fromSetup = setup != nil
        try await updateUser(poolID: user.poolId, username: user.username) { user in
            user.totpSecret = pending
            if !fromSetup { user.totpPendingSecret = nil }
            user.totpLastStep = step
            if fromSetup { user.totpEnabled = true }
        }
        if var setup {
            // This session proved a code: it, and no other, may finish the sign-in.
            setup.pendingSecret = nil
            setup.setupVerified = true
            let verified = setup
            try await write { db in try verified.update(db) }
        }
    }

    /// SetUserMFAPreference and AdminSetUserMFAPreference for software tokens (`enabled` nil:
    /// unchanged). Turning it on needs a verified token.
    public func setSoftwareTokenPreference(poolID: String, username: String, enabled: Bool?) async throws(LocalPoolError) {
        guard let enabled else { return }
        let user = try await self.user(poolID: poolID, username: username)
        guard !enabled || user.totpSecret != nil else { throw .invalidParameter("User has not verified software token mfa") }
        try await updateUser(poolID: poolID, username: user.username) { $0.totpEnabled = enabled }
    }

    /// The MFA challenge a user with a proven password must answer next, if any.
    func mfaChallenge(for user: UserRecord, poolID: String) async throws(LocalPoolError) -> ChallengeName? {
        switch try await pool(poolID).mfaConfiguration {
        case .off: nil
        case _ where user.totpEnabled && user.totpSecret != nil: .softwareTokenMFA
        case .on: .mfaSetup
        case .optional: nil
        }
    }

    /// What a sign-in with a proven password asks next: a new password, a code, or a token to set
    /// up (each with its session), or nothing more.
    public enum NextStep: Sendable {
        case newPassword(session: String)
        case softwareTokenMFA(session: String)
        case mfaSetup(session: String)
        case done(UserRecord)
    }

    /// The next step for the hosted login, which issues a code instead of tokens at the end.
    public func nextStep(after user: UserRecord, client: ClientRecord) async throws(LocalPoolError) -> NextStep {
        if user.status == .forceChangePassword {
            return await .newPassword(session: try startChallenge(.newPasswordRequired, user: user, client: client, lifetime: 180))
        }
        switch try await mfaChallenge(for: user, poolID: client.poolId) {
        case .softwareTokenMFA?:
            return await .softwareTokenMFA(
                session: try startChallenge(.softwareTokenMFA, user: user, client: client, lifetime: Self.mfaSessionLifetime)
            )
        case .mfaSetup?:
            return await .mfaSetup(session: try startChallenge(.mfaSetup, user: user, client: client, lifetime: Self.mfaSessionLifetime))
        default:
            return .done(user)
        }
    }

    /// After a proven password (and a new one, when it was due): the MFA step the pool asks for,
    /// or the tokens.
    func continueSignIn(_ user: UserRecord, client: ClientRecord) async throws(LocalPoolError) -> AuthOutcome {
        guard let challenge = try await mfaChallenge(for: user, poolID: client.poolId) else {
            return try await issueSignIn(user: user, client: client, scope: [Self.apiScope], nonce: nil, fromOAuth: false, includeIDToken: true)
        }
        let session = try await startChallenge(challenge, user: user, client: client, lifetime: Self.mfaSessionLifetime)
        let parameters =
            challenge == .mfaSetup
            ? ["MFAS_CAN_SETUP": #"["SOFTWARE_TOKEN_MFA"]"#, "USER_ID_FOR_SRP": user.username]
            : ["USER_ID_FOR_SRP": user.username]
        return .challenge(name: challenge, session: session, parameters: parameters)
    }

    /// Answers `SOFTWARE_TOKEN_MFA` with a code; five wrong codes end the session.
    public func respondToSoftwareTokenMFA(
        client: ClientRecord,
        session: String,
        username: String,
        code: String,
        secretHash: String?
    ) async throws(LocalPoolError) -> AuthOutcome {
        try checkSecretHash(secretHash, client: client, username: username)
        let user = try await answerSoftwareTokenMFA(client: client, session: session, username: username, code: code)
        return try await issueSignIn(user: user, client: client, scope: [Self.apiScope], nonce: nil, fromOAuth: false, includeIDToken: true)
    }

    /// Checks an MFA code against the session's challenge; the user, once it is right.
    public func answerSoftwareTokenMFA(
        client: ClientRecord,
        session: String,
        username: String?,
        code: String
    ) async throws(LocalPoolError)
        -> UserRecord
    {
        let (record, user) = try await pendingChallenge(.softwareTokenMFA, session: session, client: client, username: username)
        // Every code is an attempt on the user, counted (and refused while locked out) like a
        // password: a fresh session per five codes must not buy more guesses.
        try await countAttempt(user)
        guard let key = user.totpSecret, let step = SoftwareToken.acceptedStep(code, key: key, now: clock.now(), after: user.totpLastStep)
        else {
            let failures = record.failedAttempts + 1
            try await write { db in
                if failures >= 5 {
                    _ = try AuthSessionRecord.deleteOne(db, key: record.sessionHash)
                } else {
                    var counted = record
                    counted.failedAttempts = failures
                    try counted.update(db)
                }
            }
            logger.info("gatehouse.pool.mfa_failed", metadata: ["gatehouse.pool.username": "\(user.username)"])
            throw LocalPoolError(.codeMismatch, "Invalid code received for user")
        }
        try await write { db in _ = try AuthSessionRecord.deleteOne(db, key: record.sessionHash) }
        return try await updateUser(poolID: user.poolId, username: user.username) { user in
            user.totpLastStep = step
            user.failedAttempts = 0
            user.lockedUntil = 0
        }
    }

    /// Answers `MFA_SETUP` once the session's VerifySoftwareToken turned the token on.
    public func respondToMFASetup(
        client: ClientRecord,
        session: String,
        username: String,
        secretHash: String?
    ) async throws(LocalPoolError)
        -> AuthOutcome
    {
        try checkSecretHash(secretHash, client: client, username: username)
        let user = try await completeMFASetup(client: client, session: session, username: username)
        return try await issueSignIn(user: user, client: client, scope: [Self.apiScope], nonce: nil, fromOAuth: false, includeIDToken: true)
    }

    /// Ends an `MFA_SETUP` challenge whose own VerifySoftwareToken verified a code; the user.
    /// (A token the user set up in another session does not complete this one.)
    public func completeMFASetup(client: ClientRecord, session: String, username: String?) async throws(LocalPoolError) -> UserRecord {
        let (record, user) = try await pendingChallenge(.mfaSetup, session: session, client: client, username: username)
        guard record.setupVerified, user.totpEnabled, user.totpSecret != nil else {
            throw .invalidParameter("Set up a software token first: AssociateSoftwareToken, then VerifySoftwareToken with this session.")
        }
        try await write { db in _ = try AuthSessionRecord.deleteOne(db, key: record.sessionHash) }
        return user
    }

    /// The secret (base32) an `MFA_SETUP` session's AssociateSoftwareToken handed out, to show again.
    public func pendingSoftwareTokenSecret(session: String) async throws(LocalPoolError) -> String? {
        try await pendingChallenge(.mfaSetup, session: session, client: nil, username: nil).0.pendingSecret.map {
            SoftwareToken.base32(Array($0.utf8))
        }
    }

    /// A stored challenge for `user`, answerable through the session string returned.
    func startChallenge(_ challenge: ChallengeName, user: UserRecord, client: ClientRecord, lifetime: Double) async throws(LocalPoolError) -> String {
        let session = Identifiers.opaque(bytes: 96)
        let record = AuthSessionRecord(
            sessionHash: Self.hash(session),
            poolId: user.poolId,
            clientId: client.id,
            username: user.username,
            challenge: challenge,
            expiresAt: clock.now() + lifetime
        )
        try await write { db in try record.insert(db) }
        return session
    }

    /// The live challenge `challenge` behind `session` for `client`, and its user.
    func pendingChallenge(
        _ challenge: ChallengeName,
        session: String,
        client: ClientRecord?,
        username: String?
    ) async throws(LocalPoolError) -> (AuthSessionRecord, UserRecord) {
        let now = clock.now()
        let record = try await read { db in try AuthSessionRecord.fetchOne(db, key: Self.hash(session)) }
        guard let record, record.expiresAt > now, record.challenge == challenge, client.map({ $0.id == record.clientId }) ?? true else {
            throw .notAuthorized("Invalid session for the user, session is expired.")
        }
        let user = try await self.user(poolID: record.poolId, username: record.username)
        if let username {
            let named = try? await self.user(poolID: record.poolId, username: username)
            guard named?.username == user.username else { throw .notAuthorized("Invalid session for the user.") }
        }
        return (record, user)
    }

}
