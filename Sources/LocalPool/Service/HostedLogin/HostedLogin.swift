import GatehouseCore

/// The hosted login's protocol side: authorize requests validated, single-use codes issued for a
/// signed-in user, and the hosted-login session (the pool origin's cookie).
public struct HostedLogin: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts
    let tokens: TokenService

    static let codeLifetime: Double = 300
    static let sessionLifetime: Double = 3600

    /// Validates authorize parameters in Cognito's order: the client and redirect first (errors shown
    /// on a page), then everything else (errors sent back to the client's redirect).
    public func authorizeRequest(_ query: [String: String]) async throws(AuthorizeRefusal) -> AuthorizeRequest {
        guard let clientID = query["client_id"], let client = try? await pools.client(clientID) else {
            throw .page("The client is unknown.")
        }
        guard let redirect = query["redirect_uri"], client.settings.callbackURLs.contains(redirect) else {
            throw .page("The redirect_uri is not registered for this client (redirect_mismatch).")
        }
        let state = query["state"]
        func refuse(_ error: String, _ description: String) -> AuthorizeRefusal {
            .redirect(to: redirect, error: error, description: description, state: state)
        }
        guard let responseType = query["response_type"] else { throw refuse("invalid_request", "response_type is required") }
        guard responseType == "code" else { throw refuse("unsupported_response_type", "only response_type=code is supported") }
        guard client.settings.allowedOAuthFlows.contains("code") else {
            throw refuse("unauthorized_client", "the client may not use the authorization code grant")
        }
        let method = query["code_challenge_method"]
        let challenge = query["code_challenge"]
        if let method, method != "S256" { throw refuse("invalid_request", "code_challenge_method must be S256") }
        if challenge != nil && method == nil { throw refuse("invalid_request", "code_challenge_method is required") }
        if let challenge, challenge.count < 43 || challenge.count > 128 || Base64URL.decode(challenge) == nil {
            throw refuse("invalid_request", "code_challenge must be a base64url SHA-256")
        }
        if client.secret == nil && challenge == nil {
            throw refuse("invalid_request", "public clients must use PKCE (code_challenge with S256)")
        }
        // What the client is allowed and still exists (a resource server may have dropped a scope).
        guard let allowed = try? await pools.grantableScopes(client) else { throw refuse("server_error", "storage") }
        let requested = query["scope"].map { $0.split(separator: " ").map(String.init) } ?? allowed
        var scopes = requested.filter { allowed.contains($0) }
        if !scopes.contains("openid") { scopes.removeAll { ["email", "phone", "profile"].contains($0) } }
        guard !scopes.isEmpty else { throw refuse("invalid_scope", "none of the requested scopes is allowed") }
        return AuthorizeRequest(
            client: client,
            redirectURI: redirect,
            state: state,
            scopes: scopes,
            nonce: query["nonce"],
            codeChallenge: challenge
        )
    }

    /// Issues a single-use authorization code for `user`.
    public func issueCode(for request: AuthorizeRequest, user: UserRecord, authTime: Double) async throws(LocalPoolError) -> String {
        let code = Identifiers.opaque(bytes: 32)
        let record = AuthCodeRecord(
            codeHash: PoolContext.hash(code),
            poolId: request.client.poolId,
            clientId: request.client.id,
            username: user.username,
            redirectUri: request.redirectURI,
            scope: request.scopes.joined(separator: " "),
            nonce: request.nonce,
            codeChallenge: request.codeChallenge,
            authTime: authTime,
            expiresAt: context.clock.now() + Self.codeLifetime,
            usedAt: nil,
            originJti: nil
        )
        try await context.store { try await context.storage.hostedLogin.create(record) }
        return code
    }

    /// Starts a hosted-login session of the user's current generation; returns the cookie value.
    public func startSSOSession(user: UserRecord) async throws(LocalPoolError) -> String {
        let value = Identifiers.opaque(bytes: 32)
        let now = context.clock.now()
        let started = try await context.store {
            try await context.storage.hostedLogin.startSession(
                hash: PoolContext.hash(value),
                poolID: user.poolId,
                username: user.username,
                now: now,
                lifetime: Self.sessionLifetime
            )
        }
        guard started else { throw .userNotFound() }
        return value
    }

    /// The signed-in user of a live session cookie for `poolID`, with the session's sign-in time:
    /// none once the user is disabled, signed out everywhere, or has a new password since.
    public func ssoUser(poolID: String, cookie: String?) async -> (user: UserRecord, authTime: Double)? {
        guard let cookie else { return nil }
        let hash = PoolContext.hash(cookie)
        guard let session = try? await context.storage.hostedLogin.session(hash: hash),
            session.poolId == poolID, session.expiresAt > context.clock.now(),
            let user = try? await users.user(poolID: poolID, username: session.username), user.enabled,
            user.sessionGeneration == session.generation
        else { return nil }
        return (user, session.authTime)
    }

    /// Ends a hosted-login session.
    public func endSSOSession(cookie: String?) async {
        guard let cookie else { return }
        _ = try? await context.storage.hostedLogin.endSession(hash: PoolContext.hash(cookie))
    }

    /// The claims `/oauth2/userInfo` returns for a token carrying the `openid` scope.
    /// Only attributes the token's app client may read (its `ReadAttributes`) are among them.
    public func userInfoClaims(_ grant: AccessGrant) async -> [String: String] {
        var claims = ["sub": grant.user.sub, "username": grant.user.username]
        let clientID = grant.token.claims["client_id"]?.stringValue ?? ""
        guard let client = try? await pools.client(clientID, poolID: grant.user.poolId),
            let pool = try? await pools.pool(grant.user.poolId)
        else { return claims }
        let readable = client.settings.readableAttributes(PoolSchema(pool.schema))
        for attribute in grant.user.attributes where readable.contains(attribute.name) { claims[attribute.name] = attribute.value }
        return claims
    }
}
