import GatehouseCore
import Logging

/// The MFA steps of a sign-in: a code for `SOFTWARE_TOKEN_MFA`, a set-up for `MFA_SETUP`.
extension MFA {
    /// Answers `SOFTWARE_TOKEN_MFA` with a code; five wrong codes end the session.
    public func respondToSoftwareTokenMFA(
        client: ClientRecord,
        session: String,
        username: String,
        code: String,
        secretHash: String?,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> AuthOutcome {
        try SecretHash.check(secretHash, client: client, username: username)
        let (record, user, step) = try await checkCode(client: client, session: session, username: username, code: code)
        return try await signIn.signIn(
            user,
            client: client,
            answered: record.sessionHash,
            trigger: .authentication(clientMetadata),
            deviceKey: record.deviceKey
        ) { Self.accepted(step, &$0) }
    }

    /// Checks an MFA code against the session's challenge; the user, once it is right (the
    /// hosted login then issues its code).
    public func answerSoftwareTokenMFA(
        client: ClientRecord,
        session: String,
        username: String?,
        code: String
    ) async throws(LocalPoolError) -> UserRecord {
        let (record, user, step) = try await checkCode(client: client, session: session, username: username, code: code)
        return try await signIn.finishStep(user, change: { Self.accepted(step, &$0) }, answered: record.sessionHash, leftover: nil).user
    }

    /// The challenge, its user and the code's time step, when `code` is right. Every code is an
    /// attempt on the user, counted (and refused while locked out) like a password: a fresh
    /// session per five codes must not buy more guesses.
    private func checkCode(
        client: ClientRecord,
        session: String,
        username: String?,
        code: String
    ) async throws(LocalPoolError) -> (AuthSessionRecord, UserRecord, Int) {
        let (record, found) = try await signIn.pendingChallenge(.softwareTokenMFA, session: session, client: client, username: username)
        let now = context.clock.now()
        let user: UserRecord
        switch try await context.store({ try await context.storage.users.countAttempt(poolID: found.poolId, name: found.username, now: now) }) {
        case .missing: throw .notAuthorized("Incorrect username or password.")
        case .resetRequired: throw LocalPoolError(.passwordResetRequired, "Password reset required for the user")
        case .lockedOut: throw .notAuthorized(Lockout.lockedMessage)
        case .counted(let counted): user = counted
        }
        guard let key = user.totpSecret, let step = SoftwareToken.acceptedStep(code, key: key, now: now, after: user.totpLastStep) else {
            var counted = record
            counted.failedAttempts += 1
            let failed = counted
            try await context.store {
                if failed.failedAttempts >= 5 {
                    try await context.storage.challenges.deleteChallenge(hash: failed.sessionHash)
                } else {
                    try await context.storage.challenges.update(failed)
                }
            }
            context.logger.info("gatehouse.pool.mfa_failed", metadata: ["gatehouse.pool.username": "\(user.username)"])
            throw LocalPoolError(.codeMismatch, "Invalid code received for user")
        }
        return (record, user, step)
    }

    /// A right code's mark on the user: the step used up, the failed attempts cleared.
    private static func accepted(_ step: Int, _ user: inout UserRecord) {
        user.totpLastStep = step
        user.failedAttempts = 0
        user.lockedUntil = 0
    }

    /// Answers `MFA_SETUP` once the session's VerifySoftwareToken turned the token on.
    public func respondToMFASetup(
        client: ClientRecord,
        session: String,
        username: String,
        secretHash: String?,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> AuthOutcome {
        try SecretHash.check(secretHash, client: client, username: username)
        let (record, user) = try await verifiedSetup(client: client, session: session, username: username)
        return try await signIn.signIn(
            user,
            client: client,
            answered: record.sessionHash,
            trigger: .authentication(clientMetadata),
            deviceKey: record.deviceKey
        ) { _ in }
    }

    /// Ends an `MFA_SETUP` challenge whose own VerifySoftwareToken verified a code; the user.
    /// (A token the user set up in another session does not complete this one.)
    public func completeMFASetup(client: ClientRecord, session: String, username: String?) async throws(LocalPoolError) -> UserRecord {
        let (record, user) = try await verifiedSetup(client: client, session: session, username: username)
        try await context.store { try await context.storage.challenges.deleteChallenge(hash: record.sessionHash) }
        return user
    }

    private func verifiedSetup(
        client: ClientRecord,
        session: String,
        username: String?
    ) async throws(LocalPoolError) -> (AuthSessionRecord, UserRecord) {
        let (record, user) = try await signIn.pendingChallenge(.mfaSetup, session: session, client: client, username: username)
        guard record.setupVerified, user.totpEnabled, user.totpSecret != nil else {
            throw .invalidParameter("Set up a software token first: AssociateSoftwareToken, then VerifySoftwareToken with this session.")
        }
        return (record, user)
    }
}
