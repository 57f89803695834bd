import GatehouseCore

/// The answers that end a choice-based sign-in: a one-time code, or a passkey's assertion.
extension ChoiceSignIn {
    /// `EMAIL_OTP` or `SMS_OTP` answered with its code (`EMAIL_OTP_CODE`, `SMS_OTP_CODE`): the
    /// tokens. Five wrong codes withdraw it, and the name's limits across codes apply.
    public func respondToCode(
        _ challenge: ChallengeName,
        client: ClientRecord,
        session: String,
        responses: [String: String],
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> AuthOutcome {
        let field = challenge == .smsOTP ? "SMS_OTP_CODE" : "EMAIL_OTP_CODE"
        guard let code = responses[field] else { throw .invalidParameter("Missing required parameter \(field)") }
        let state = try await pending(challenge, session: session, client: client, username: responses["USERNAME"])
        try SecretHash.check(responses["SECRET_HASH"], client: client, username: responses["USERNAME"] ?? state.username)
        let user = try await checkCode(code, state: state, session: session, client: client)
        return try await signIn.signIn(user, client: client, answered: nil, trigger: .authentication(clientMetadata)) { user in
            user.failedAttempts = 0
            user.lockedUntil = 0
        }
    }

    /// `code` checked against the session's user (a name the pool does not know only counts the
    /// failure); the session ends when the code is used, expired or withdrawn.
    func checkCode(_ code: String, state: ChoiceSignInState, session: String, client: ClientRecord) async throws(LocalPoolError) -> UserRecord {
        let purpose: CodePurpose = state.step == .smsOTP ? .smsOTP : .emailOTP
        guard state.known else { try await codes.refuse(poolID: client.poolId, username: state.username, purpose: purpose) }
        let user = try await users.user(poolID: client.poolId, username: state.username)
        do {
            try await codes.consume(of: user, purpose: purpose, code: code)
        } catch  where error.name == .expiredCode || error.name == .limitExceeded {
            _ = context.caches.choiceSignIns.take(session, now: context.clock.now())
            throw error
        }
        _ = context.caches.choiceSignIns.take(session, now: context.clock.now())
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        return user
    }

    /// `WEB_AUTHN` answered with a passkey's assertion (`CREDENTIAL`, an
    /// `AuthenticationResponseJSON` text): the tokens, without an MFA step. The session answers once.
    public func respondToPasskey(
        client: ClientRecord,
        session: String,
        responses: [String: String],
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> AuthOutcome {
        guard let credential = responses["CREDENTIAL"] else { throw .invalidParameter("Missing required parameter CREDENTIAL") }
        guard credential.utf8.count <= 64 * 1024 else { throw .invalidParameter("CREDENTIAL is too long.") }
        let state = try await pending(.webAuthn, session: session, client: client, username: responses["USERNAME"])
        try SecretHash.check(responses["SECRET_HASH"], client: client, username: responses["USERNAME"] ?? state.username)
        _ = context.caches.choiceSignIns.take(session, now: context.clock.now())
        let pool = try await pools.pool(client.poolId)
        let user = try await users.user(poolID: client.poolId, username: state.username)
        try await passkeys.verifyAssertion(credential, user: user, pool: pool, challenge: state.challenge ?? [])
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        return try await signIn.signIn(user, client: client, answered: nil, trigger: .authentication(clientMetadata)) { _ in }
    }
}
