import Crypto
import Foundation
import GRDB
import GatehouseCore
import Logging

/// A validated `/oauth2/authorize` (or `/login`) request.
public struct AuthorizeRequest: Sendable {
    public let client: ClientRecord
    public let redirectURI: String
    public let state: String?
    public let scopes: [String]
    public let nonce: String?
    public let codeChallenge: String?

    /// The query string that carries this request on to `/login`.
    public var queryItems: [(String, String)] {
        var items = [("response_type", "code"), ("client_id", client.id), ("redirect_uri", redirectURI), ("scope", scopes.joined(separator: " "))]
        if let state { items.append(("state", state)) }
        if let nonce { items.append(("nonce", nonce)) }
        if let codeChallenge {
            items.append(("code_challenge", codeChallenge))
            items.append(("code_challenge_method", "S256"))
        }
        return items
    }
}

/// Why an authorize request was refused: on a page (client or redirect unknown) or back at the client.
public enum AuthorizeRefusal: Error, Sendable {
    case page(String)
    case redirect(to: String, error: String, description: String, state: String?)
}

/// An OAuth2 token-endpoint error (RFC 6749 §5.2).
public struct OAuthError: Error, Sendable, Equatable {
    public let error: String
    public let description: String
    public let status: Int

    public init(_ error: String, _ description: String, status: Int = 400) {
        self.error = error
        self.description = description
        self.status = status
    }
}

/// What reading a code for an exchange found.
private enum CodeRedemption: Sendable {
    case first(AuthCodeRecord)
    /// Used before; the token family of its first exchange (nil for codes used before v3).
    case reused(originJti: String?)
}

extension LocalPoolService {
    static let codeLifetime: Double = 300
    static let ssoLifetime: Double = 3600

    /// Validates authorize parameters in Cognito's order: the client and redirect first (errors shown
    /// on a page), then everything else (errors sent back to the client's redirect).
    public func authorizeRequest(_ query: [String: String]) async throws(AuthorizeRefusal) -> AuthorizeRequest {
        guard let clientID = query["client_id"], let client = try? await client(clientID) else {
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
        let allowed = client.settings.allowedOAuthScopes
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
            codeHash: Self.hash(code),
            poolId: request.client.poolId,
            clientId: request.client.id,
            username: user.username,
            redirectUri: request.redirectURI,
            scope: request.scopes.joined(separator: " "),
            nonce: request.nonce,
            codeChallenge: request.codeChallenge,
            authTime: authTime,
            expiresAt: clock.now() + Self.codeLifetime,
            usedAt: nil,
            originJti: nil
        )
        try await write { db in try record.insert(db) }
        return code
    }

    /// Starts a hosted-login session of the user's current generation; returns the cookie value.
    public func startSSOSession(user: UserRecord) async throws(LocalPoolError) -> String {
        let value = Identifiers.opaque(bytes: 32)
        let now = clock.now()
        let (hash, poolID, username) = (Self.hash(value), user.poolId, user.username)
        try await write { db in
            // The generation as stored now, not as the caller last read it.
            guard let current = try UserRecord.fetchOne(db, key: ["poolId": poolID, "username": username]) else {
                throw LocalPoolError.userNotFound()
            }
            let record = SSOSessionRecord(
                sessionHash: hash,
                poolId: poolID,
                username: username,
                authTime: now,
                expiresAt: now + Self.ssoLifetime,
                generation: current.sessionGeneration
            )
            try record.insert(db)
        }
        return value
    }

    /// The signed-in user of a live session cookie for `poolID`, with the session's sign-in time:
    /// none once the user is disabled, signed out everywhere, or has a new password since.
    public func ssoUser(poolID: String, cookie: String?) async -> (user: UserRecord, authTime: Double)? {
        guard let cookie else { return nil }
        let hash = Self.hash(cookie)
        guard let session = try? await read({ db in try SSOSessionRecord.fetchOne(db, key: hash) }),
            session.poolId == poolID, session.expiresAt > clock.now(),
            let user = try? await user(poolID: poolID, username: session.username), user.enabled,
            user.sessionGeneration == session.generation
        else { return nil }
        return (user, session.authTime)
    }

    /// Ends a hosted-login session.
    public func endSSOSession(cookie: String?) async {
        guard let cookie else { return }
        let hash = Self.hash(cookie)
        _ = try? await write { db in try SSOSessionRecord.deleteOne(db, key: hash) }
    }

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
        guard let id, let client = try? await client(id) else { throw failed }
        if let expected = client.secret {
            guard let secret, ConstantTime.equals(secret, expected) else { throw failed }
        } else if secret != nil {
            // A public client has no secret: one sent is a mistake or a probe, not authentication.
            throw failed
        }
        return client
    }

    /// The `authorization_code` grant, with PKCE.
    public func exchangeCode(client: ClientRecord, code: String, redirectURI: String?, verifier: String?) async throws(OAuthError) -> AuthOutcome {
        let hash = Self.hash(code)
        let now = clock.now()
        // The token family this exchange starts, recorded with the code: a second redemption of
        // the code revokes it (RFC 6749 §4.1.2), since the code may have leaked.
        let originJti = Identifiers.uuid()
        let redemption: CodeRedemption
        do {
            // Mark the code used in the same transaction that reads it: a second exchange finds it used.
            redemption = try await database.writer.write { db -> CodeRedemption in
                guard var record = try AuthCodeRecord.fetchOne(db, key: hash) else { throw OAuthError("invalid_grant", "unknown code") }
                guard record.usedAt == nil else { return .reused(originJti: record.originJti) }
                record.usedAt = now
                record.originJti = originJti
                try record.update(db)
                return .first(record)
            }
        } catch let error as OAuthError {
            throw error
        } catch {
            throw OAuthError("server_error", "storage", status: 500)
        }
        let record: AuthCodeRecord
        switch redemption {
        case .first(let first):
            record = first
        case .reused(let family):
            if let family {
                _ = try? await revokeTokenFamily(family)
                logger.notice("gatehouse.pool.code_reused", metadata: ["gatehouse.pool.origin_jti": "\(family)"])
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
        guard let user = try? await user(poolID: record.poolId, username: record.username), user.enabled else {
            throw OAuthError("invalid_grant", "user unavailable")
        }
        let scopes = record.scope.split(separator: " ").map(String.init)
        do {
            return try await issueSignIn(
                user: user,
                client: client,
                scope: scopes,
                nonce: record.nonce,
                fromOAuth: true,
                includeIDToken: scopes.contains("openid"),
                authTime: record.authTime,
                originJti: originJti
            )
        } catch {
            throw OAuthError("server_error", "token issuing failed", status: 500)
        }
    }

    /// The `refresh_token` grant.
    public func refreshGrant(client: ClientRecord, refreshToken: String) async throws(OAuthError) -> AuthOutcome {
        guard client.settings.allowedOAuthFlows.contains("code") || client.settings.explicitAuthFlows.contains("ALLOW_REFRESH_TOKEN_AUTH") else {
            throw OAuthError("unauthorized_client", "refresh is not allowed for this client")
        }
        do {
            return try await refreshAuth(client: client, refreshToken: refreshToken, secretHash: nil, skipSecretHash: true, rotating: true)
        } catch {
            throw OAuthError("invalid_grant", error.message)
        }
    }

    /// The `client_credentials` grant: an access token for the client itself.
    public func clientCredentialsGrant(client: ClientRecord, scope: String?) async throws(OAuthError) -> (token: String, expiresIn: Int) {
        guard client.secret != nil, client.settings.allowedOAuthFlows.contains("client_credentials") else {
            throw OAuthError("unauthorized_client", "the client may not use client_credentials")
        }
        let allowed = client.settings.allowedOAuthScopes.filter { $0.contains("/") }
        let scopes = scope.map { $0.split(separator: " ").map(String.init).filter { allowed.contains($0) } } ?? allowed
        guard !scopes.isEmpty else { throw OAuthError("invalid_scope", "no custom scope is allowed for this client") }
        do {
            return try await issuer.issueClientCredentials(client: client, scopes: scopes, now: clock.now())
        } catch {
            throw OAuthError("server_error", "token issuing failed", status: 500)
        }
    }

    /// The claims `/oauth2/userInfo` returns for a token carrying the `openid` scope.
    public func userInfoClaims(_ grant: AccessGrant) -> [String: String] {
        var claims = ["sub": grant.user.sub, "username": grant.user.username]
        for attribute in grant.user.attributes { claims[attribute.name] = attribute.value }
        return claims
    }

    /// The logout target for `client_id` + `logout_uri`, when the URI is registered.
    public func logoutTarget(clientID: String?, logoutURI: String?) async -> String? {
        guard let clientID, let logoutURI, let client = try? await client(clientID), client.settings.logoutURLs.contains(logoutURI) else {
            return nil
        }
        return logoutURI
    }

    /// Origins of the pool's clients' callback URLs: the browser apps allowed to call the token,
    /// revoke and userInfo endpoints.
    public func browserOrigins() async -> Set<String> {
        await caches.origins(computeBrowserOrigins)
    }

    private func computeBrowserOrigins() async -> Set<String> {
        let clients = (try? await read { db in try ClientRecord.fetchAll(db) }) ?? []
        var origins = Set<String>()
        for client in clients {
            for url in client.settings.callbackURLs + client.settings.logoutURLs {
                if let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host {
                    origins.insert("\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? ""))
                }
            }
        }
        return origins
    }
}
