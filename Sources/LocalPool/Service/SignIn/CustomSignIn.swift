import GatehouseCore

/// A custom sign-in between two requests: who it is for, the rounds so far and the challenge
/// waiting for its answer. Kept in memory, under its session, for three minutes.
struct CustomSignInState: Sendable {
    var poolID: String
    var clientID: String
    var username: String
    var userExists: Bool
    var rounds: [Triggers.Round]
    /// The custom challenge sent, whose answer VerifyAuthChallengeResponse checks.
    var challenge: Triggers.CustomChallenge?
    /// The client's SRP `A`, when it started with `SRP_A`.
    var srpPublic: String?
    var clientMetadata: [String: String]?
}

/// CUSTOM_AUTH: sign-in driven by the pool's DefineAuthChallenge, CreateAuthChallenge and
/// VerifyAuthChallengeResponse triggers, in rounds of `CUSTOM_CHALLENGE` (with an SRP password
/// proof first when the client starts with `SRP_A`), until DefineAuthChallenge issues the tokens
/// (then MFA, when the pool asks for it) or fails the sign-in.
public struct CustomSignIn: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts
    let signIn: SignIn
    let srp: SRPSignIn

    /// How long a custom challenge may be answered, in seconds.
    static let sessionLifetime = 180.0
    /// The most rounds one sign-in may take.
    static let maximumRounds = 16

    /// `CUSTOM_AUTH` (InitiateAuth or AdminInitiateAuth).
    public func start(
        client: ClientRecord,
        username: String,
        srpPublic: String?,
        secretHash: String?,
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> AuthOutcome {
        let flows = client.settings.explicitAuthFlows
        guard flows.contains("ALLOW_CUSTOM_AUTH") || flows.contains("CUSTOM_AUTH_FLOW_ONLY") else {
            throw .invalidParameter("CUSTOM_AUTH flow not enabled for this client")
        }
        try SecretHash.check(secretHash, client: client, username: username)
        let pool = try await pools.pool(client.poolId)
        guard pool.lambdaConfig?.defineAuthChallenge != nil else {
            throw .invalidParameter("Custom auth lambda trigger is not configured for the user pool.")
        }
        let user = try await knownUser(username, client: client)
        if let user {
            guard user.enabled else { throw .notAuthorized("User is disabled.") }
            guard user.status != .unconfirmed else { throw LocalPoolError(.userNotConfirmed, "User is not confirmed.") }
        }
        try await Triggers(context: context).preAuthentication(
            pool: pool,
            user: user,
            username: username,
            caller: Triggers.SignInCaller(clientID: client.id, validationData: clientMetadata)
        )
        let state = CustomSignInState(
            poolID: pool.id,
            clientID: client.id,
            username: user?.username ?? username,
            userExists: user != nil,
            rounds: srpPublic == nil ? [] : [Triggers.Round(challengeName: "SRP_A", challengeResult: true)],
            srpPublic: srpPublic,
            clientMetadata: clientMetadata
        )
        return try await advance(state, user: user, client: client, pool: pool)
    }

    /// `CUSTOM_CHALLENGE`'s answer: VerifyAuthChallengeResponse judges it, then DefineAuthChallenge
    /// decides what follows.
    public func respond(
        client: ClientRecord,
        session: String,
        username: String,
        answer: String,
        secretHash: String?,
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> AuthOutcome {
        try SecretHash.check(secretHash, client: client, username: username)
        guard var state = context.caches.customSignIns.take(session, now: context.clock.now()), state.clientID == client.id,
            let challenge = state.challenge
        else { throw .notAuthorized("Invalid session for the user, session is expired.") }
        let pool = try await pools.pool(client.poolId)
        let user = state.userExists ? try await users.user(poolID: pool.id, username: state.username) : nil
        guard username == state.username || username == user?.sub || user?.attribute("email") == username else {
            throw .notAuthorized("Invalid session for the user.")
        }
        if let clientMetadata { state.clientMetadata = clientMetadata }
        let correct = try await Triggers(context: context).verifyAuthChallengeResponse(
            who(state, user: user, pool: pool),
            privateParameters: challenge.privateParameters,
            answer: answer
        )
        state.rounds.append(Triggers.Round(challengeName: "CUSTOM_CHALLENGE", challengeResult: correct, challengeMetadata: challenge.metadata))
        state.challenge = nil
        return try await advance(state, user: user, client: client, pool: pool)
    }

    /// `PASSWORD_VERIFIER`'s answer: the proof checked; a custom sign-in that began with `SRP_A`
    /// goes on to its next round, any other signs in.
    public func respondToPasswordVerifier(
        client: ClientRecord,
        responses: [String: String],
        session: String?,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> AuthOutcome {
        let (user, pending) = try await srp.verifiedClaim(client: client, responses: responses, session: session)
        guard pending.continuesCustomSignIn else {
            return try await signIn.finish(
                try await signIn.proven(user),
                client: client,
                trigger: .authentication(clientMetadata),
                deviceKey: pending.deviceKey
            )
        }
        guard var state = context.caches.customSignIns.take(pending.session, now: context.clock.now()) else {
            throw .notAuthorized("Invalid session for the user, session is expired.")
        }
        // Only this attempt's count is taken back: the sign-in is not complete yet.
        let settled = try await signIn.settle(SignIn.ProvenPassword(user: user, secondStep: true, srp: nil), answered: nil, leftover: nil)
        state.rounds.append(Triggers.Round(challengeName: "PASSWORD_VERIFIER", challengeResult: true))
        if let clientMetadata { state.clientMetadata = clientMetadata }
        return try await advance(state, user: settled, client: client, pool: try await pools.pool(client.poolId))
    }

    /// DefineAuthChallenge's decision on the rounds so far, carried out.
    private func advance(
        _ state: CustomSignInState,
        user: UserRecord?,
        client: ClientRecord,
        pool: PoolRecord
    ) async throws(LocalPoolError)
        -> AuthOutcome
    {
        guard state.rounds.count <= Self.maximumRounds else { throw .notAuthorized("Incorrect username or password.") }
        let triggers = Triggers(context: context)
        let who = who(state, user: user, pool: pool)
        switch try await triggers.defineAuthChallenge(who, rounds: state.rounds) {
        case .fail:
            throw .notAuthorized("Incorrect username or password.")
        case .issueTokens:
            // A name the pool does not know never signs in, whatever the function says.
            guard let user else { throw .notAuthorized("Incorrect username or password.") }
            // A user disabled (or unconfirmed) between the rounds gets no tokens.
            guard user.enabled else { throw .notAuthorized("User is disabled.") }
            guard user.status != .unconfirmed else { throw LocalPoolError(.userNotConfirmed, "User is not confirmed.") }
            return try await signIn.next(after: user, client: client, trigger: .authentication(state.clientMetadata)) { _ in }
        case .challenge("PASSWORD_VERIFIER"):
            guard let srpPublic = state.srpPublic, state.rounds.count == 1 else {
                throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
            }
            let outcome = try await srp.srpAuth(
                client: client,
                username: state.username,
                clientPublic: srpPublic,
                secretHash: nil,
                continuingCustomSignIn: true
            )
            if case .challenge(_, let session?, _) = outcome { remember(state, session: session) }
            return outcome
        case .challenge:
            var next = state
            next.challenge = try await triggers.createAuthChallenge(who, name: "CUSTOM_CHALLENGE", rounds: state.rounds)
            let session = Identifiers.opaque(bytes: 64)
            remember(next, session: session)
            let parameters = (next.challenge?.publicParameters ?? [:]).merging(["USERNAME": state.username]) { _, username in username }
            return .challenge(name: .customChallenge, session: session, parameters: parameters)
        }
    }

    private func remember(_ state: CustomSignInState, session: String) {
        let now = context.clock.now()
        context.caches.customSignIns.insert(state, for: session, until: now + Self.sessionLifetime, now: now)
    }

    private func who(_ state: CustomSignInState, user: UserRecord?, pool: PoolRecord) -> Triggers.CustomAuthCaller {
        Triggers.CustomAuthCaller(pool: pool, clientID: state.clientID, username: state.username, user: user, clientMetadata: state.clientMetadata)
    }

    /// The user called `username`; nil for an unknown name when `client` hides who exists (the
    /// triggers run for it with `userNotFound`, and it never signs in).
    private func knownUser(_ username: String, client: ClientRecord) async throws(LocalPoolError) -> UserRecord? {
        do {
            return try await users.user(poolID: client.poolId, username: username)
        } catch  where error.name == .userNotFound && client.settings.preventUserExistenceErrors {
            return nil
        }
    }
}
