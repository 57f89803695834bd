import GatehouseCore

/// The hosted login's passwordless sign-ins: "Email me a code" (EMAIL_OTP) and "Sign in with a
/// passkey" (WEB_AUTHN). Like every hosted page they hide who exists: a name with nothing to
/// offer gets a session shaped like a user's, which nothing answers.
extension ChoiceSignIn {
    /// The hosted login's "Email me a code": a code to the user's verified email when the pool
    /// allows EMAIL_OTP, and its session; for anyone else (the hosted login hides who exists) a
    /// session no code answers, with the same limits and a made-up destination.
    public func startHostedEmailCode(client: ClientRecord, username: String) async throws(LocalPoolError) -> (session: String, destination: String) {
        let pool = try await pools.pool(client.poolId)
        guard pool.firstAuthFactors.contains(.emailOTP) else { throw .invalidParameter("The pool does not allow sign-in codes by email.") }
        let user = try? await users.user(poolID: client.poolId, username: username)
        let usable = user.map { Self.available(to: $0, pool: pool).contains("EMAIL_OTP") && $0.enabled } ?? false
        let state = ChoiceSignInState(
            clientID: client.id,
            username: user?.username ?? username,
            known: usable,
            step: .emailOTP,
            available: ["EMAIL_OTP"]
        )
        let delivery = try await sendCode(.emailOTP, state: state, client: client, clientMetadata: nil)
        return (remember(state), delivery.destination)
    }

    /// The hosted login's code, checked: the user, whose sign-in the page then completes.
    public func answerHostedEmailCode(client: ClientRecord, session: String, code: String) async throws(LocalPoolError) -> UserRecord {
        guard let state = context.caches.choiceSignIns.value(for: session, now: context.clock.now()), state.clientID == client.id,
            state.step == .emailOTP
        else { throw .notAuthorized("Invalid session for the user, session is expired.") }
        let user = try await checkCode(code, state: state, session: session, client: client)
        return try await signIn.finishStep(
            user,
            change: {
                $0.failedAttempts = 0
                $0.lockedUntil = 0
            },
            answered: nil,
            leftover: nil
        ).user
    }

    /// The hosted login's "Sign in with a passkey": the request options for the user's passkeys
    /// and their session; for a name without one, decoy options and a session no assertion answers.
    public func startHostedPasskey(client: ClientRecord, username: String) async throws(LocalPoolError) -> (session: String, options: String) {
        let pool = try await pools.pool(client.poolId)
        guard pool.firstAuthFactors.contains(.webAuthn) else { throw .invalidParameter("The pool does not allow sign-in with a passkey.") }
        let user = try? await users.user(poolID: client.poolId, username: username)
        let usable = user.map { Self.available(to: $0, pool: pool).contains("WEB_AUTHN") && $0.enabled } ?? false
        let challenge = Passkeys.randomBytes(32)
        let options: String
        if let user, usable {
            try await Triggers(context: context).preAuthentication(
                pool: pool,
                user: user,
                username: user.username,
                caller: Triggers.SignInCaller(clientID: client.id, validationData: nil)
            )
            options = Passkeys.requestOptions(user, pool: pool, challenge: challenge)
        } else {
            options = Passkeys.decoyRequestOptions(username: username, pool: pool, challenge: challenge)
        }
        let state = ChoiceSignInState(
            clientID: client.id,
            username: user?.username ?? username,
            known: usable,
            step: .webAuthn,
            available: ["WEB_AUTHN"],
            challenge: challenge
        )
        return (remember(state), options)
    }

    /// The hosted login's passkey assertion (an `AuthenticationResponseJSON` text), checked once:
    /// the user, whose sign-in the page then completes.
    public func answerHostedPasskey(client: ClientRecord, session: String, credential: String) async throws(LocalPoolError) -> UserRecord {
        let now = context.clock.now()
        guard let state = context.caches.choiceSignIns.value(for: session, now: now), state.clientID == client.id, state.step == .webAuthn
        else { throw .notAuthorized("Invalid session for the user, session is expired.") }
        _ = context.caches.choiceSignIns.take(session, now: now)
        guard credential.utf8.count <= 64 * 1024 else { throw .invalidParameter("CREDENTIAL is too long.") }
        guard state.known else { throw .notAuthorized("Incorrect username or password.") }
        let pool = try await pools.pool(client.poolId)
        let user = try await users.user(poolID: client.poolId, username: state.username)
        try await passkeys.verifyAssertion(credential, user: user, pool: pool, challenge: state.challenge ?? [])
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        return try await signIn.finishStep(user, change: { _ in }, answered: nil, leftover: nil).user
    }
}
