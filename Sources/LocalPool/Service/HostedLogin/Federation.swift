import GatehouseCore
import Logging

/// Sign-in through an OIDC identity provider: the hosted login sends the browser to the
/// provider, which sends it back to `/oauth2/idpresponse` with a code. The code is exchanged at
/// the provider's token endpoint, its ID token verified against its keys, the claims mapped onto
/// the user `NAME_sub` (created `EXTERNAL_PROVIDER` the first time, with the `identities`
/// attribute), and the hosted sign-in finishes as for a password.
public struct Federation: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts

    /// The provider an authorize request names (`identity_provider`, or `idp_identifier`),
    /// which the client must support.
    public func provider(for client: ClientRecord, name: String?, identifier: String?) async throws(LocalPoolError) -> IdentityProviderRecord {
        let provider: IdentityProviderRecord
        if let name {
            provider = try await pools.identityProvider(poolID: client.poolId, name: name)
        } else {
            provider = try await pools.identityProvider(poolID: client.poolId, identifier: identifier ?? "")
        }
        guard client.settings.identityProviders.contains(provider.providerName) else {
            throw .invalidParameter("The client does not support the identity provider \(provider.providerName).")
        }
        return provider
    }

    /// The providers whose buttons the client's sign-in page shows.
    public func providers(for client: ClientRecord) async -> [String] {
        client.settings.identityProviders.filter { $0 != "COGNITO" }
    }

    /// The provider's authorize URL for this sign-in.
    public func authorizeURL(_ provider: IdentityProviderRecord, redirectURI: String, state: String, nonce: String) -> String {
        let details = provider.providerDetails
        let query = URLEncoding.form([
            ("response_type", "code"), ("client_id", details["client_id"] ?? ""), ("redirect_uri", redirectURI),
            ("scope", details["authorize_scopes"] ?? "openid"), ("state", state), ("nonce", nonce),
        ])
        let base = details["authorize_url"] ?? ""
        return base + (base.contains("?") ? "&" : "?") + query
    }

    /// The user the provider's `code` signs in for `appClientID`'s hosted login: exchanged,
    /// verified, mapped, created (after the pool's PreSignUp trigger, `PreSignUp_ExternalProvider`)
    /// or updated.
    public func signIn(
        provider: IdentityProviderRecord,
        code: String,
        redirectURI: String,
        nonce: String,
        appClientID: String? = nil
    ) async throws(LocalPoolError) -> UserRecord {
        guard let upstream = context.upstream else { throw .internalError("no upstream") }
        let details = provider.providerDetails
        guard let tokenURL = details["token_url"], let jwksURI = details["jwks_uri"], let clientID = details["client_id"],
            let issuer = details["oidc_issuer"]
        else { throw .internalError("provider details") }
        let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("client_id", clientID)]
        var headers = [(name: "Content-Type", value: "application/x-www-form-urlencoded"), (name: "Accept", value: "application/json")]
        if let secret = details["client_secret"] {
            // client_secret_basic: both form-encoded first (RFC 6749 §2.3.1).
            let pair = URLEncoding.percentEncode(clientID) + ":" + URLEncoding.percentEncode(secret)
            headers.append((name: "Authorization", value: "Basic " + Base64URL.encodeStandard(Array(pair.utf8))))
        }
        let answer = try await call(upstream, "POST", tokenURL, headers: headers, body: Array(URLEncoding.form(form).utf8))
        guard answer.status == 200, let idToken = (try? JSONParser.parse(answer.body))?.objectValue?["id_token"]?.stringValue else {
            context.logger.info(
                "gatehouse.pool.federation_token_refused",
                metadata: ["gatehouse.pool.provider": "\(provider.providerName)", "http.status": "\(answer.status)"]
            )
            throw .notAuthorized("The identity provider did not give tokens for the code.")
        }
        let jwks = try await call(upstream, "GET", jwksURI, headers: [(name: "Accept", value: "application/json")], body: [])
        guard jwks.status == 200, let keys = try? JSONWebKeySet(json: jwks.body) else {
            throw .notAuthorized("The identity provider's keys could not be read.")
        }
        let token = try UpstreamIDToken.verify(idToken, keys: keys, issuer: issuer, clientID: clientID, nonce: nonce, now: context.clock.now())
        // A linked identity signs in as its native user, whose attributes stay its own.
        let linked = try await context.store {
            try await context.storage.providerLinks.linkedUsername(poolID: provider.poolId, provider: provider.providerName, subject: token.subject)
        }
        let user: UserRecord
        if let linked {
            user = try await users.user(poolID: provider.poolId, username: linked)
        } else {
            user = try await self.user(provider: provider, token: token, appClientID: appClientID)
        }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        return user
    }

    private func call(
        _ upstream: any UpstreamHTTP,
        _ method: String,
        _ url: String,
        headers: [(name: String, value: String)],
        body: [UInt8]
    )
        async throws(LocalPoolError) -> (status: Int, body: [UInt8])
    {
        do {
            return try await upstream.send(method: method, url: url, headers: headers, body: body)
        } catch {
            context.logger.info("gatehouse.pool.federation_unreachable", metadata: ["gatehouse.error": "\(error)"])
            throw .notAuthorized("The identity provider could not be reached.")
        }
    }

    /// `NAME_sub`, with the mapped attributes: created the first time, updated after.
    private func user(provider: IdentityProviderRecord, token: UpstreamIDToken, appClientID: String?) async throws(LocalPoolError) -> UserRecord {
        let username = provider.providerName + "_" + token.subject
        let mapped = token.attributes(provider.attributeMapping)
        let now = context.clock.now()
        let updated = try await context.store {
            try await context.storage.users.update(poolID: provider.poolId, username: username, now: now) { user in
                for attribute in mapped {
                    user.attributes.removeAll { $0.name == attribute.name }
                    user.attributes.append(attribute)
                }
            }
        }
        if let updated { return updated }
        let pool = try await pools.pool(provider.poolId)
        let verdict = try await Triggers(context: context).preSignUp(
            pool: pool,
            source: "PreSignUp_ExternalProvider",
            userName: username,
            clientID: appClientID,
            attributes: mapped,
            validationData: nil,
            clientMetadata: nil
        )
        var user = UserRecord(
            poolId: provider.poolId,
            username: username,
            sub: Identifiers.uuid(),
            attributes: Identities.updating(mapped, provider: provider.providerName, subject: token.subject, adding: true, primary: true, now: now),
            enabled: true,
            status: .externalProvider,
            tokensValidAfter: 0,
            failedAttempts: 0,
            lockedUntil: 0,
            createdAt: now,
            updatedAt: now
        )
        verdict.verify(&user)
        let created = user
        guard try await context.store({ try await context.storage.users.create(created) }) else {
            throw .internalError("federated user raced")
        }
        return user
    }
}
