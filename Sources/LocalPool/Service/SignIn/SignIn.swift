import GatehouseCore
import Logging

/// Signing in with a password: the attempt counted (and refused while locked out) before the
/// slow bcrypt check, then the counters settled and the next step stored in one transaction.
/// A sign-in of a known user is two transactions.
public struct SignIn: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts
    let tokens: TokenService

    /// How long an MFA challenge's session may be answered, in seconds (Cognito's three minutes).
    static let mfaSessionLifetime = 180.0
    /// How long a new-password challenge's session may be answered.
    static let newPasswordSessionLifetime = 180.0

    /// `USER_PASSWORD_AUTH` or `ADMIN_USER_PASSWORD_AUTH`, as `flow` says.
    public func passwordAuth(
        client: ClientRecord,
        username: String,
        password: String,
        secretHash: String?,
        flow: PasswordFlow,
        validationData: [String: String]? = nil,
        deviceKey: String? = nil
    ) async throws(LocalPoolError) -> AuthOutcome {
        // AdminInitiateAuth's ClientMetadata reaches the token trigger too; InitiateAuth's does not.
        let trigger = TokenTrigger.authentication(flow == .admin ? validationData : nil)
        guard flow.isAllowed(for: client) else { throw .invalidParameter("\(flow.name) flow not enabled for this client") }
        try SecretHash.check(secretHash, client: client, username: username)
        let proven = try await provePassword(
            password,
            poolID: client.poolId,
            name: username,
            hidden: client.settings.preventUserExistenceErrors,
            caller: Triggers.SignInCaller(clientID: client.id, validationData: validationData)
        )
        return try await finish(proven, client: client, trigger: trigger, deviceKey: deviceKey)
    }

    /// Finds `username` and checks `password` (unknown users fail exactly like wrong passwords,
    /// lockout included); the user, counters settled. The hosted login signs in for `client`,
    /// which fires the sign-in triggers; a password change only checks the old one.
    public func authenticate(
        poolID: String,
        username: String,
        password: String,
        client: ClientRecord? = nil
    ) async throws(LocalPoolError) -> UserRecord {
        let caller = client.map { Triggers.SignInCaller(clientID: $0.id) }
        let proven = try await provePassword(password, poolID: poolID, name: username, hidden: true, caller: caller)
        let stored = try await settle(proven, answered: nil, leftover: nil)
        guard stored.status != .unconfirmed else { throw LocalPoolError(.userNotConfirmed, "User is not confirmed.") }
        return stored
    }

    /// A user's password proven: the user as read before the attempt was counted, whether a
    /// second step follows (a new password, an MFA code), and SRP material to fill in for a
    /// password set before the pool spoke SRP.
    struct ProvenPassword: Sendable {
        let user: UserRecord
        let secondStep: Bool
        let srp: (salt: String, verifier: String)?

        /// The counters after the proof: cleared when the sign-in is complete; when a second
        /// step follows, only this attempt's own count is taken back, so wrong MFA codes keep
        /// counting towards the lockout however often the password is proven again.
        func apply(to stored: inout UserRecord) {
            if secondStep {
                stored.failedAttempts = max(0, stored.failedAttempts - 1)
                stored.lockedUntil = user.lockedUntil
            } else {
                stored.failedAttempts = 0
                stored.lockedUntil = 0
            }
            if let srp {
                stored.srpSalt = srp.salt
                stored.srpVerifier = srp.verifier
            }
        }
    }

    /// Counts the attempt on `name` (one transaction; refused while locked out or when the
    /// password must be reset), then checks `password` with bcrypt. Signing in (a `caller`), a
    /// user unknown to the pool is first asked of the UserMigration trigger, and the
    /// PreAuthentication trigger runs before the password is checked.
    func provePassword(
        _ password: String,
        poolID: String,
        name: String,
        hidden: Bool,
        caller: Triggers.SignInCaller? = nil
    ) async throws(LocalPoolError) -> ProvenPassword {
        let pool = try await pools.pool(poolID)
        let now = context.clock.now()
        // No stored username breaks the pattern; SQLite would cut `name\0junk` at the NUL.
        let count: AttemptCount =
            InputPatterns.isUsername(name)
            ? try await context.store { try await context.storage.users.countAttempt(poolID: poolID, name: name, now: now) } : .missing
        let user: UserRecord
        switch count {
        case .missing:
            if let caller, try await migrate(name, password: password, pool: pool, hidden: hidden, caller: caller) {
                return try await provePassword(password, poolID: poolID, name: name, hidden: hidden, caller: caller)
            }
            if let caller, hidden {
                try await Triggers(context: context).preAuthentication(pool: pool, user: nil, username: name, caller: caller)
            }
            try await refuseUnknownUser(poolID: poolID, username: name, password: password, hidden: hidden, error: .userNotFound())
        case .resetRequired: throw LocalPoolError(.passwordResetRequired, "Password reset required for the user")
        case .lockedOut: throw .notAuthorized(Lockout.lockedMessage)
        case .counted(let counted): user = counted
        }
        if let caller { try await Triggers(context: context).preAuthentication(pool: pool, user: user, username: name, caller: caller) }
        let matches: Bool
        do {
            if let hash = user.passwordHash {
                matches = try await context.hasher.verify(password, hash: hash)
            } else {
                matches = try await context.hasher.verifyDecoy(password) && false
            }
        } catch {
            throw .internalError("hashing")
        }
        guard matches else {
            context.logger.info("gatehouse.pool.sign_in_failed", metadata: ["gatehouse.pool.username": "\(user.username)"])
            throw .notAuthorized("Incorrect username or password.")
        }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        // A password set before the pool spoke SRP gets its verifier now, while it is known.
        let srp = user.srpVerifier == nil ? try? await UserAccounts.srpVerifier(password, poolID: poolID, username: user.username) : nil
        return try await proven(user, srp: srp)
    }

    /// `user`'s proof, with whether a second step follows.
    func proven(_ user: UserRecord, srp: (salt: String, verifier: String)? = nil) async throws(LocalPoolError) -> ProvenPassword {
        let mfa = try await mfaChallenge(for: user, poolID: user.poolId)
        return ProvenPassword(user: user, secondStep: user.status == .forceChangePassword || mfa != nil, srp: srp)
    }

    /// What follows a proven password, in one transaction with the settled counters: the
    /// new-password challenge, the device challenge (a sign-in from a confirmed device of a pool
    /// that tracks them), the MFA challenge, or the tokens.
    func finish(
        _ proven: ProvenPassword,
        client: ClientRecord,
        trigger: TokenTrigger = .authentication(),
        deviceKey: String? = nil
    ) async throws(LocalPoolError) -> AuthOutcome {
        let user = proven.user
        guard user.status != .unconfirmed else {
            _ = try await settle(proven, answered: nil, leftover: nil)
            throw LocalPoolError(.userNotConfirmed, "User is not confirmed.")
        }
        if user.status == .forceChangePassword {
            let (session, record) = newChallenge(.newPasswordRequired, user: user, client: client, lifetime: Self.newPasswordSessionLifetime)
            let stored = try await settle(proven, answered: nil, leftover: .challenge(record))
            return .newPasswordRequired(session: session, username: stored.username, userAttributes: stored.allAttributes)
        }
        if let deviceKey, try await pools.pool(client.poolId).deviceConfiguration != nil,
            user.devices?.contains(where: { $0.key == deviceKey && $0.isConfirmed }) == true
        {
            // Only this attempt's count is taken back: the sign-in is not complete yet.
            _ = try await settle(ProvenPassword(user: user, secondStep: true, srp: proven.srp), answered: nil, leftover: nil)
            return startDeviceChallenge(user: user, client: client, deviceKey: deviceKey, clientMetadata: trigger.clientMetadata)
        }
        return try await next(after: user, client: client, trigger: trigger) { proven.apply(to: &$0) }
    }

    /// After a proven password (and a new one, when it was due): `change` applied to the user
    /// with the MFA step the pool asks for, or with the tokens.
    func next(
        after user: UserRecord,
        client: ClientRecord,
        trigger: TokenTrigger = .authentication(),
        deviceKey: String? = nil,
        change: @escaping @Sendable (inout UserRecord) -> Void
    ) async throws(LocalPoolError) -> AuthOutcome {
        if let challenge = try await mfaChallenge(for: user, poolID: client.poolId) {
            var (session, record) = newChallenge(challenge, user: user, client: client, lifetime: Self.mfaSessionLifetime)
            record.deviceKey = deviceKey
            _ = try await finishStep(user, change: change, answered: nil, leftover: .challenge(record))
            let parameters =
                challenge == .mfaSetup
                ? ["MFAS_CAN_SETUP": #"["SOFTWARE_TOKEN_MFA"]"#, "USER_ID_FOR_SRP": user.username]
                : ["USER_ID_FOR_SRP": user.username]
            return .challenge(name: challenge, session: session, parameters: parameters)
        }
        return try await signIn(user, client: client, answered: nil, trigger: trigger, deviceKey: deviceKey, change: change)
    }

    /// The counters settled for a proven password (and its SRP material stored), with what the
    /// step leaves behind; the user as stored.
    func settle(_ proven: ProvenPassword, answered: String?, leftover: SignInLeftover?) async throws(LocalPoolError) -> UserRecord {
        try await finishStep(proven.user, change: { proven.apply(to: &$0) }, answered: answered, leftover: leftover).user
    }

    /// One sign-in step's end, one transaction.
    func finishStep(
        _ user: UserRecord,
        change: @escaping @Sendable (inout UserRecord) -> Void,
        answered: String?,
        leftover: SignInLeftover?
    ) async throws(LocalPoolError) -> (user: UserRecord, groups: [GroupRecord]) {
        let now = context.clock.now()
        let stored = try await context.store {
            try await context.storage.users.finishSignInStep(
                poolID: user.poolId,
                username: user.username,
                now: now,
                change: change,
                answered: answered,
                leftover: leftover
            )
        }
        guard let stored else { throw .notAuthorized("Incorrect username or password.") }
        return stored
    }
}
