public import GatehouseCore

/// A verified access token of the pool and its live user.
public struct AccessGrant: Sendable {
    /// The verified token.
    public let token: VerifiedToken
    /// Its user, as stored now.
    public let user: UserRecord
    /// Its scopes.
    public let scopes: [String]
}

extension TokenService {
    /// Why a client's own token (`client_credentials`) is refused where a user's is needed.
    public static let clientTokenMessage = "The access token is an app client's own (client_credentials): it carries no user."

    /// Verifies an access token this pool issued, then checks what only the pool knows:
    /// the user exists and is enabled, and neither global sign-out nor revocation covers the token.
    public func validateAccessToken(_ token: String) async throws(LocalPoolError) -> AccessGrant {
        guard let poolID = Self.unverifiedPoolID(token), (try? await pools.pool(poolID)) != nil else {
            throw .notAuthorized("Invalid Access Token")
        }
        let verifier = try await context.caches.verifier(poolID: poolID) { () throws(LocalPoolError) -> TokenVerifier in
            try await makeVerifier(poolID: poolID)
        }
        let verified: VerifiedToken
        do {
            verified = try await verifier.verify(token, logger: context.logger)
        } catch {
            throw .notAuthorized(error.code == .expired ? "Access Token has expired" : "Invalid Access Token")
        }
        guard !verified.isClientCredentials else { throw .notAuthorized(Self.clientTokenMessage) }
        // One read for the user and the token's family: this runs on every GetUser.
        let (username, origin) = (verified.username, verified.claims["origin_jti"]?.stringValue)
        let (found, revoked) = try await context.store {
            try await context.storage.tokens.accessTokenState(poolID: poolID, username: username, originJti: origin)
        }
        guard let user = found, user.sub == verified.subject, !revoked else { throw .notAuthorized("Access Token has been revoked") }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        let issuedAt = verified.claims["iat"]?.numberValue ?? 0
        guard user.tokensValidAfter == 0 || issuedAt > user.tokensValidAfter else {
            throw .notAuthorized("Access Token has been revoked")
        }
        let scopes = (verified.claims["scope"]?.stringValue ?? "").split(separator: " ").map(String.init)
        return AccessGrant(token: verified, user: user, scopes: scopes)
    }

    /// The user an access token with the API scope belongs to (the self-service operations).
    public func userOfAccessToken(_ token: String) async throws(LocalPoolError) -> UserRecord {
        try await apiGrant(token).user
    }

    /// The user an access token with the API scope belongs to, and the app client it was issued
    /// to (whose `ReadAttributes` and `WriteAttributes` apply).
    public func accountOfAccessToken(_ token: String) async throws(LocalPoolError) -> (user: UserRecord, client: ClientRecord) {
        let grant = try await apiGrant(token)
        guard let clientID = grant.token.claims["client_id"]?.stringValue,
            let client = try? await pools.client(clientID, poolID: grant.user.poolId)
        else { throw .notAuthorized("Invalid Access Token") }
        return (grant.user, client)
    }

    private func apiGrant(_ token: String) async throws(LocalPoolError) -> AccessGrant {
        let grant = try await validateAccessToken(token)
        guard grant.scopes.contains(TokenRequest.apiScope) else { throw .notAuthorized("Access Token does not have required scopes") }
        return grant
    }

    /// A verifier for access tokens of `poolID`, with the pool's own keys and clients.
    private func makeVerifier(poolID: String) async throws(LocalPoolError) -> TokenVerifier {
        let clientIDs = await Set(try pools.clients(poolID: poolID).map(\.id))
        let keyRing = context.keyRing
        let keys = JWKSCache(
            fetcher: ClosureJWKSFetcher { _ in try await JSONWebKeySet(json: try keyRing.jwks(poolID: poolID)) },
            clock: context.clock
        )
        return TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: pools.issuerURL(poolID: poolID), clientIDs: clientIDs, tokenUse: .access),
            keys: keys,
            clock: context.clock
        )
    }

    /// The pool id named by a token's `iss`, read before any verification (to pick the keys).
    static func unverifiedPoolID(_ token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
            let issuer = (try? JSONParser.parse(payload))?.objectValue?["iss"]?.stringValue
        else { return nil }
        return issuer.split(separator: "/").last.map(String.init)
    }
}
