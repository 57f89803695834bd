import GatehouseCore

/// A choice-based sign-in waiting for its next answer, by session: the choice itself
/// (`SELECT_CHALLENGE`) or a one-time code (`EMAIL_OTP`, `SMS_OTP`).
struct ChoiceSignInState: Sendable {
    var clientID: String
    /// The stored username; the name given, when the pool does not know it (and hides that).
    var username: String
    var known: Bool
    /// What the session answers.
    var step: ChallengeName
    /// The first factors offered to this user.
    var available: [String]
    /// `WEB_AUTHN`: the challenge the assertion must sign.
    var challenge: [UInt8]? = nil
}

/// Choice-based sign-in (`USER_AUTH`): the user picks a first factor among those the pool allows
/// and they have (a password, by value or SRP; a one-time code by email or SMS), directly with
/// `PREFERRED_CHALLENGE` or through `SELECT_CHALLENGE`. A code signs in without an MFA step (a
/// pool that requires MFA allows no passwordless factor); a password goes on as its own flows do.
public struct ChoiceSignIn: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts
    let signIn: SignIn
    let srp: SRPSignIn
    let codes: Codes
    let passkeys: Passkeys

    /// How long a session may be answered (Cognito's three minutes; a code lives as long).
    static let sessionLifetime = 180.0
    /// Every first factor, in the order `AvailableChallenges` lists them.
    static let factorNames = ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]

    /// InitiateAuth with `USER_AUTH`: `PREFERRED_CHALLENGE` begins that factor when this user
    /// has it; otherwise the user chooses.
    public func start(
        client: ClientRecord,
        parameters: [String: String],
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> AuthOutcome {
        guard let username = parameters["USERNAME"] else { throw .invalidParameter("Missing required parameter USERNAME") }
        guard PasswordFlow.choice.isAllowed(for: client) else { throw .invalidParameter("USER_AUTH flow not enabled for this client") }
        try SecretHash.check(parameters["SECRET_HASH"], client: client, username: username)
        let pool = try await pools.pool(client.poolId)
        let user = try await knownUser(username, client: client)
        let state = ChoiceSignInState(
            clientID: client.id,
            username: user?.username ?? username,
            known: user != nil,
            step: .selectChallenge,
            available: Self.available(to: user, pool: pool)
        )
        if let preferred = parameters["PREFERRED_CHALLENGE"] {
            guard Self.factorNames.contains(preferred) else {
                throw .invalidParameter("PREFERRED_CHALLENGE must be one of \(Self.factorNames.joined(separator: ", ")).")
            }
            if state.available.contains(preferred) {
                return try await begin(preferred, state: state, client: client, parameters: parameters, clientMetadata: clientMetadata)
            }
        }
        return .choice(session: remember(state), available: state.available)
    }

    /// `SELECT_CHALLENGE`'s answer (`ANSWER`, with what that factor needs: `PASSWORD`, `SRP_A`).
    public func respondToSelection(
        client: ClientRecord,
        session: String,
        responses: [String: String],
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> AuthOutcome {
        guard let answer = responses["ANSWER"] else { throw .invalidParameter("Missing required parameter ANSWER") }
        let state = try await pending(.selectChallenge, session: session, client: client, username: responses["USERNAME"])
        guard state.available.contains(answer) else {
            throw .invalidParameter("ANSWER must be one of the AvailableChallenges: \(state.available.joined(separator: ", ")).")
        }
        _ = context.caches.choiceSignIns.take(session, now: context.clock.now())
        return try await begin(answer, state: state, client: client, parameters: responses, clientMetadata: clientMetadata)
    }

    /// The factor `choice` begun: a password checked, an SRP challenge, or a code sent.
    private func begin(
        _ choice: String,
        state: ChoiceSignInState,
        client: ClientRecord,
        parameters: [String: String],
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> AuthOutcome {
        let name = parameters["USERNAME"] ?? state.username
        switch choice {
        case "PASSWORD":
            guard let password = parameters["PASSWORD"] else { throw .invalidParameter("Missing required parameter PASSWORD") }
            return try await signIn.passwordAuth(
                client: client,
                username: name,
                password: password,
                secretHash: parameters["SECRET_HASH"],
                flow: .choice,
                validationData: clientMetadata
            )
        case "PASSWORD_SRP":
            guard let srpA = parameters["SRP_A"] else { throw .invalidParameter("Missing required parameter SRP_A") }
            return try await srp.srpAuth(
                client: client,
                username: name,
                clientPublic: srpA,
                secretHash: parameters["SECRET_HASH"],
                validationData: clientMetadata,
                choosing: true
            )
        case "EMAIL_OTP", "SMS_OTP":
            let (challenge, purpose): (ChallengeName, CodePurpose) = choice == "SMS_OTP" ? (.smsOTP, .smsOTP) : (.emailOTP, .emailOTP)
            let delivery = try await sendCode(purpose, state: state, client: client, clientMetadata: clientMetadata)
            var next = state
            next.step = challenge
            let parameters = [
                "CODE_DELIVERY_DELIVERY_MEDIUM": delivery.medium, "CODE_DELIVERY_DESTINATION": delivery.destination, "USERNAME": state.username,
            ]
            return .challenge(name: challenge, session: remember(next), parameters: parameters)
        case "WEB_AUTHN":
            let pool = try await pools.pool(client.poolId)
            let user = try await users.user(poolID: client.poolId, username: state.username)
            guard user.enabled else { throw .notAuthorized("User is disabled.") }
            try await Triggers(context: context).preAuthentication(
                pool: pool,
                user: user,
                username: state.username,
                caller: Triggers.SignInCaller(clientID: client.id, validationData: clientMetadata)
            )
            var next = state
            next.step = .webAuthn
            next.challenge = Passkeys.randomBytes(32)
            let options = Passkeys.requestOptions(user, pool: pool, challenge: next.challenge ?? [])
            return .challenge(
                name: .webAuthn,
                session: remember(next),
                parameters: ["CREDENTIAL_REQUEST_OPTIONS": options, "USERNAME": state.username]
            )
        default:
            throw .invalidParameter("The first factor \(choice) is not available to this user.")
        }
    }

    /// A sign-in code sent to a known user (after the PreAuthentication trigger); for a name the
    /// client hides, the same limits and a made-up destination.
    func sendCode(
        _ purpose: CodePurpose,
        state: ChoiceSignInState,
        client: ClientRecord,
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> CodeDelivery {
        // (A name the pool does not know is offered EMAIL_OTP alone of the codes.)
        guard state.known else { return try await codes.simulateSent(poolID: client.poolId, username: state.username, purpose: purpose) }
        let user = try await users.user(poolID: client.poolId, username: state.username)
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        try await Triggers(context: context).preAuthentication(
            pool: try await pools.pool(client.poolId),
            user: user,
            username: state.username,
            caller: Triggers.SignInCaller(clientID: client.id, validationData: clientMetadata)
        )
        let delivery = try await codes.send(to: user, purpose: purpose, source: .authentication, clientID: client.id, clientMetadata: clientMetadata)
        guard let delivery else { throw .invalidParameter("The user has no address to send a code to.") }
        return delivery
    }

    /// The live session `session` of `client` at `step`, named by `username` (its username, or an
    /// alias of it).
    func pending(
        _ step: ChallengeName,
        session: String,
        client: ClientRecord,
        username: String?
    ) async throws(LocalPoolError) -> ChoiceSignInState {
        guard let username else { throw .invalidParameter("Missing required parameter USERNAME") }
        guard let state = context.caches.choiceSignIns.value(for: session, now: context.clock.now()), state.clientID == client.id,
            state.step == step
        else { throw .notAuthorized("Invalid session for the user, session is expired.") }
        let named = state.known ? (try? await users.user(poolID: client.poolId, username: username))?.username : username
        guard named == state.username else { throw .notAuthorized("Invalid session for the user.") }
        return state
    }

    func remember(_ state: ChoiceSignInState) -> String {
        let session = Identifiers.opaque(bytes: 64)
        let now = context.clock.now()
        context.caches.choiceSignIns.insert(state, for: session, until: now + Self.sessionLifetime, now: now)
        return session
    }

    /// The user called `username`; nil for an unknown name when `client` hides who exists.
    private func knownUser(_ username: String, client: ClientRecord) async throws(LocalPoolError) -> UserRecord? {
        do {
            return try await users.user(poolID: client.poolId, username: username)
        } catch  where error.name == .userNotFound && client.settings.preventUserExistenceErrors {
            return nil
        }
    }

    /// GetUserAuthFactors' `ConfiguredUserAuthFactors`: the password (when the user has one), the
    /// codes the pool allows to the addresses the user has verified, and the user's passkeys.
    static func configuredFactors(of user: UserRecord, pool: PoolRecord) -> [String] {
        available(to: user, pool: pool).filter { $0 != "PASSWORD_SRP" && ($0 != "PASSWORD" || user.passwordHash != nil) }
    }

    /// The first factors `user` may choose in `pool`: the password (by value and SRP); a code by
    /// email or SMS to a confirmed user's verified address, when the pool allows it. A name the
    /// pool does not know is offered the password and the pool's email code, as a user with a
    /// verified email would be.
    static func available(to user: UserRecord?, pool: PoolRecord) -> [String] {
        let allowed = Set(pool.firstAuthFactors)
        var names = ["PASSWORD", "PASSWORD_SRP"]
        guard let user else {
            if allowed.contains(.emailOTP) { names.append("EMAIL_OTP") }
            return names
        }
        let confirmed = user.status == .confirmed
        if allowed.contains(.emailOTP), confirmed, user.attribute("email_verified") == "true" { names.append("EMAIL_OTP") }
        if allowed.contains(.smsOTP), confirmed, user.attribute("phone_number_verified") == "true" { names.append("SMS_OTP") }
        if allowed.contains(.webAuthn), confirmed, !Passkeys.usable(user, pool: pool).isEmpty { names.append("WEB_AUTHN") }
        return names
    }
}
