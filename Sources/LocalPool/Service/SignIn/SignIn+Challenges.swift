import GatehouseCore

/// The challenges of a sign-in (their sessions stored by hash), the new-password challenge,
/// the hosted login's next step, and how a sign-in as a user that does not exist is refused.
extension SignIn {
    /// A challenge for `user`, answerable through the session string returned, and its record to store.
    func newChallenge(_ challenge: ChallengeName, user: UserRecord, client: ClientRecord, lifetime: Double) -> (String, AuthSessionRecord) {
        let session = Identifiers.opaque(bytes: 96)
        let record = AuthSessionRecord(
            sessionHash: PoolContext.hash(session),
            poolId: user.poolId,
            clientId: client.id,
            username: user.username,
            challenge: challenge,
            expiresAt: context.clock.now() + lifetime
        )
        return (session, record)
    }

    /// A stored challenge for `user`; the session string.
    func startChallenge(_ challenge: ChallengeName, user: UserRecord, client: ClientRecord, lifetime: Double) async throws(LocalPoolError) -> String {
        let (session, record) = newChallenge(challenge, user: user, client: client, lifetime: lifetime)
        try await context.store { try await context.storage.challenges.create(record) }
        return session
    }

    /// The live challenge `challenge` behind `session` for `client`, and its user.
    func pendingChallenge(
        _ challenge: ChallengeName,
        session: String,
        client: ClientRecord?,
        username: String?
    ) async throws(LocalPoolError) -> (AuthSessionRecord, UserRecord) {
        let now = context.clock.now()
        let hash = PoolContext.hash(session)
        let record = try await context.store { try await context.storage.challenges.challenge(hash: hash) }
        guard let record, record.expiresAt > now, record.challenge == challenge, client.map({ $0.id == record.clientId }) ?? true else {
            throw .notAuthorized("Invalid session for the user, session is expired.")
        }
        let user = try await users.user(poolID: record.poolId, username: record.username)
        if let username {
            let named = try? await users.user(poolID: record.poolId, username: username)
            guard named?.username == user.username else { throw .notAuthorized("Invalid session for the user.") }
        }
        return (record, user)
    }

    /// Answers `NEW_PASSWORD_REQUIRED`: sets the password, confirms the user, signs them in (or
    /// asks for the MFA step).
    public func respondToNewPassword(
        client: ClientRecord,
        session: String,
        username: String,
        newPassword: String,
        attributes: [UserRecord.Attribute],
        secretHash: String?,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> AuthOutcome {
        try SecretHash.check(secretHash, client: client, username: username)
        let user = try await completeNewPassword(
            client: client,
            session: session,
            username: username,
            newPassword: newPassword,
            attributes: attributes
        )
        return try await next(after: user, client: client, trigger: .newPasswordChallenge(clientMetadata)) { _ in }
    }

    /// Sets the new password a `NEW_PASSWORD_REQUIRED` session asked for; the confirmed user.
    public func completeNewPassword(
        client: ClientRecord,
        session: String,
        username: String?,
        newPassword: String,
        attributes: [UserRecord.Attribute]
    ) async throws(LocalPoolError) -> UserRecord {
        let (record, user) = try await pendingChallenge(.newPasswordRequired, session: session, client: client, username: username)
        // The user may fill in attributes here, but not declare them verified; a new email or
        // phone number is unverified. Checked before anything changes.
        try AttributeRules.refuseVerifiedFlags(attributes)
        let schema = try await users.schema(poolID: client.poolId)
        try AttributeRules.refuseUnwritable(attributes, client: client.settings, schema: schema)
        try AttributeRules.check(attributes, schema: schema, creating: false)
        try await users.setPassword(poolID: client.poolId, username: user.username, password: newPassword, permanent: true)
        if !attributes.isEmpty {
            try await users.updateAttributes(
                poolID: client.poolId,
                username: user.username,
                attributes: AttributeRules.unverifyingChanged(attributes, of: user)
            )
        }
        try await context.store { try await context.storage.challenges.deleteChallenge(hash: record.sessionHash) }
        return try await users.user(poolID: client.poolId, username: user.username)
    }

    /// What a sign-in with a proven password asks next: a new password, a code, or a token to set
    /// up (each with its session), or nothing more.
    public enum NextStep: Sendable {
        /// Choose a new password.
        case newPassword(session: String)
        /// Give a TOTP code.
        case softwareTokenMFA(session: String)
        /// Set up a TOTP token.
        case mfaSetup(session: String)
        /// Signed in.
        case done(UserRecord)
    }

    /// The next step for the hosted login, which issues a code instead of tokens at the end.
    public func nextStep(after user: UserRecord, client: ClientRecord) async throws(LocalPoolError) -> NextStep {
        if user.status == .forceChangePassword {
            return .newPassword(
                session: try await startChallenge(.newPasswordRequired, user: user, client: client, lifetime: Self.newPasswordSessionLifetime)
            )
        }
        switch try await mfaChallenge(for: user, poolID: client.poolId) {
        case .softwareTokenMFA?:
            return .softwareTokenMFA(
                session: try await startChallenge(.softwareTokenMFA, user: user, client: client, lifetime: Self.mfaSessionLifetime)
            )
        case .mfaSetup?:
            return .mfaSetup(session: try await startChallenge(.mfaSetup, user: user, client: client, lifetime: Self.mfaSessionLifetime))
        default:
            return .done(user)
        }
    }

    /// Refuses a sign-in as a user that does not exist. When existence is `hidden`, the answer is
    /// the one a real user would get: "Incorrect username or password.", and after as many
    /// failures as lock a real user out, "Password attempts exceeded" for as long.
    ///
    /// The work matches a real user's: the attempt is counted in one transaction as a real user's
    /// is, and for a password (not an SRP proof, which costs a real user no bcrypt) a decoy
    /// bcrypt check spends a real check's time.
    func refuseUnknownUser(
        poolID: String,
        username: String,
        password: String?,
        hidden: Bool,
        error: LocalPoolError
    ) async throws(LocalPoolError) -> Never {
        let now = context.clock.now()
        if hidden, try await !context.store({ try await context.storage.users.countPhantomAttempt(poolID: poolID, username: username, now: now) }) {
            throw .notAuthorized(Lockout.lockedMessage)
        }
        if let password { _ = try? await context.hasher.verifyDecoy(password) }
        throw hidden ? .notAuthorized("Incorrect username or password.") : error
    }

    /// The pool's PostAuthentication trigger for a sign-in complete but for its tokens (or the
    /// hosted login's code): an error refuses it.
    public func postAuthentication(_ user: UserRecord, client: ClientRecord, clientMetadata: [String: String]? = nil) async throws(LocalPoolError) {
        try await Triggers(context: context).postAuthentication(
            pool: try await pools.pool(client.poolId),
            user: user,
            clientID: client.id,
            clientMetadata: clientMetadata
        )
    }

    /// The MFA challenge a user with a proven password must answer next, if any.
    func mfaChallenge(for user: UserRecord, poolID: String) async throws(LocalPoolError) -> ChallengeName? {
        switch try await pools.pool(poolID).mfaConfiguration {
        case .off: nil
        case _ where user.totpEnabled && user.totpSecret != nil: .softwareTokenMFA
        case .on: .mfaSetup
        case .optional: nil
        }
    }
}
