import GRDB
public import GatehouseCore

extension LocalPoolService {
    /// A verified access token of this pool and its live user.
    public struct AccessGrant: Sendable {
        public let token: VerifiedToken
        public let user: UserRecord
        public let scopes: [String]
    }

    /// Verifies an access token this pool issued, then checks what only the pool knows:
    /// the user exists and is enabled, and neither global sign-out nor revocation covers the token.
    public func validateAccessToken(_ token: String) async throws(LocalPoolError) -> AccessGrant {
        guard let poolID = Self.unverifiedPoolID(token), (try? await pool(poolID)) != nil else {
            throw .notAuthorized("Invalid Access Token")
        }
        let verifier = try await caches.verifier(poolID: poolID) { () throws(LocalPoolError) -> TokenVerifier in
            try await makeVerifier(poolID: poolID)
        }
        let verified: VerifiedToken
        do {
            verified = try await verifier.verify(token, logger: logger)
        } catch {
            throw .notAuthorized(error.code == .expired ? "Access Token has expired" : "Invalid Access Token")
        }
        // One read for the user and the token's family: this runs on every GetUser.
        let (username, origin) = (verified.username, verified.claims["origin_jti"]?.stringValue)
        let (found, revoked) = try await read { db -> (UserRecord?, Bool) in
            let userQuery = try db.cachedStatement(sql: "SELECT * FROM user WHERE poolId = ? AND username = ?")
            let user = try UserRecord.fetchOne(userQuery, arguments: [poolID, username])
            guard let origin else { return (user, false) }
            let originQuery = try db.cachedStatement(sql: "SELECT 1 FROM revokedOrigin WHERE originJti = ?")
            return (user, try Bool.fetchOne(originQuery, arguments: [origin]) != nil)
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

    /// A verifier for access tokens of `poolID`, with the pool's own keys and clients.
    private func makeVerifier(poolID: String) async throws(LocalPoolError) -> TokenVerifier {
        let clientIDs = await Set(try clients(poolID: poolID).map(\.id))
        let keyRing = self.keyRing
        let keys = JWKSCache(fetcher: ClosureJWKSFetcher { _ in try await JSONWebKeySet(json: try keyRing.jwks(poolID: poolID)) }, clock: clock)
        return TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: issuerURL(poolID: poolID), clientIDs: clientIDs, tokenUse: .access),
            keys: keys,
            clock: clock
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
