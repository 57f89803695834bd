import Crypto
import GatehouseCore
import Logging

/// The token endpoint: client authentication and the three grants.
extension HostedLogin {
    /// The client a token-endpoint request authenticates as: Basic header or body credentials,
    /// never both (RFC 6749 §2.3: `invalid_request`); a confidential client must present its
    /// secret, and a public client must present none.
    public func authenticateClient(
        basic: (id: String, secret: String)?,
        bodyID: String?,
        bodySecret: String?
    ) async throws(OAuthError) -> ClientRecord {
        if let basic {
            guard bodySecret == nil, bodyID == nil || bodyID == basic.id else {
                throw OAuthError("invalid_request", "use one client authentication method")
            }
        }
        let id = basic?.id ?? bodyID
        let secret = (basic?.secret ?? bodySecret).flatMap { $0.isEmpty ? nil : $0 }
        let failed = OAuthError("invalid_client", "client authentication failed", status: basic == nil ? 400 : 401)
        guard let id, let client = try? await pools.client(id) else { throw failed }
        if client.secret != nil {
            guard let secret, client.accepts(secret: secret) else { throw failed }
        } else if secret != nil {
            // A public client has no secret: one sent is a mistake or a probe, not authentication.
            throw failed
        }
        return client
    }

    /// The `authorization_code` grant, with PKCE.
    public func exchangeCode(client: ClientRecord, code: String, redirectURI: String?, verifier: String?) async throws(OAuthError) -> AuthOutcome {
        let hash = PoolContext.hash(code)
        let now = context.clock.now()
        // The token family this exchange starts, recorded with the code: a second redemption of
        // the code revokes it (RFC 6749 §4.1.2), since the code may have leaked.
        let originJti = Identifiers.uuid()
        let redemption: CodeRedemption?
        do {
            redemption = try await context.storage.hostedLogin.redeem(codeHash: hash, now: now, originJti: originJti)
        } catch {
            throw OAuthError("server_error", "storage", status: 500)
        }
        let record: AuthCodeRecord
        switch redemption {
        case nil:
            throw OAuthError("invalid_grant", "unknown code")
        case .first(let first)?:
            record = first
        case .reused(let family)?:
            if let family {
                _ = try? await tokens.revokeFamily(family)
                context.logger.notice("gatehouse.pool.code_reused", metadata: ["gatehouse.pool.origin_jti": "\(family)"])
            }
            throw OAuthError("invalid_grant", "code already used")
        }
        guard record.clientId == client.id else { throw OAuthError("invalid_grant", "code was issued to another client") }
        guard record.expiresAt > now else { throw OAuthError("invalid_grant", "code expired") }
        guard redirectURI == record.redirectUri else { throw OAuthError("invalid_grant", "redirect_uri does not match") }
        if let challenge = record.codeChallenge {
            guard let verifier, verifier.count >= 43, verifier.count <= 128 else {
                throw OAuthError("invalid_grant", "code_verifier required")
            }
            let computed = Base64URL.encode(SHA256.hash(data: Array(verifier.utf8)))
            guard ConstantTime.equals(computed, challenge) else { throw OAuthError("invalid_grant", "code_verifier does not match") }
        }
        guard let user = try? await users.user(poolID: record.poolId, username: record.username), user.enabled else {
            throw OAuthError("invalid_grant", "user unavailable")
        }
        let scopes = record.scope.split(separator: " ").map(String.init)
        do {
            return try await tokens.issue(
                user: user,
                client: client,
                request: .oauth(scopes: scopes, nonce: record.nonce),
                authTime: record.authTime,
                originJti: originJti
            )
        } catch {
            throw Self.grantError(error)
        }
    }

    /// A grant's failure to issue: the trigger's refusal as it is (`invalid_request`, its message),
    /// anything else a server error.
    static func grantError(_ error: LocalPoolError) -> OAuthError {
        switch error.name {
        case .userLambdaValidation?, .invalidLambdaResponse?, .unexpectedLambda?: OAuthError("invalid_request", error.message)
        default: OAuthError("server_error", "token issuing failed", status: 500)
        }
    }

    /// The `refresh_token` grant.
    public func refreshGrant(client: ClientRecord, refreshToken: String) async throws(OAuthError) -> AuthOutcome {
        guard client.settings.allowedOAuthFlows.contains("code") || client.settings.explicitAuthFlows.contains("ALLOW_REFRESH_TOKEN_AUTH") else {
            throw OAuthError("unauthorized_client", "refresh is not allowed for this client")
        }
        do {
            return try await tokens.refresh(client: client, refreshToken: refreshToken, caller: .authenticatedClient)
        } catch {
            throw OAuthError("invalid_grant", error.message)
        }
    }

    /// The `client_credentials` grant: an access token for the client itself, with the custom
    /// scopes asked for (each one the client is allowed and its resource server still has), or
    /// all of them when `scope` is left out. A scope it may not have is `invalid_scope`, not
    /// dropped, as Cognito answers.
    /// The pool's PreTokenGeneration trigger sees the token first when it takes the `V3_0` event
    /// (`TokenGeneration_ClientCredentials`, with `clientMetadata` from `aws_client_metadata`).
    public func clientCredentialsGrant(
        client: ClientRecord,
        scope: String?,
        clientMetadata: [String: String]? = nil
    ) async throws(OAuthError) -> (token: String, expiresIn: Int) {
        guard client.secret != nil, client.settings.allowedOAuthFlows.contains("client_credentials") else {
            throw OAuthError("unauthorized_client", "the client may not use client_credentials")
        }
        let grantable: [String]
        do {
            grantable = try await pools.grantableScopes(client).filter { !PoolAdministration.standardScopes.contains($0) }
        } catch {
            throw OAuthError("server_error", "storage", status: 500)
        }
        let requested = scope.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } ?? []
        if requested.contains(where: { !grantable.contains($0) }) {
            throw OAuthError("invalid_scope", "a requested scope is not allowed for this client")
        }
        // In the client's order, each once.
        let scopes = requested.isEmpty ? grantable : grantable.filter { requested.contains($0) }
        guard !scopes.isEmpty else { throw OAuthError("invalid_scope", "no custom scope is allowed for this client") }
        let overrides: TokenOverrides?
        do {
            overrides = try await Triggers(context: context).clientCredentialsOverrides(
                pool: try await pools.pool(client.poolId),
                client: client,
                scopes: scopes,
                clientMetadata: clientMetadata
            )
        } catch {
            throw Self.grantError(error)
        }
        do {
            return try await context.issuer.issueClientCredentials(client: client, scopes: scopes, now: context.clock.now(), overrides: overrides)
        } catch {
            throw OAuthError("server_error", "token issuing failed", status: 500)
        }
    }
}
