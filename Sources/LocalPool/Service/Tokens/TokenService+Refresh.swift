import GatehouseCore
import Logging

/// Who is refreshing: the caller decides which checks the refresh makes and whether it rotates.
public enum RefreshCaller: Sendable {
    /// `REFRESH_TOKEN_AUTH` (InitiateAuth): the client's flow and `SECRET_HASH` checked; refused
    /// for clients with rotation on (Cognito sends them to GetTokensFromRefreshToken).
    /// A `DEVICE_KEY` given must be the device the refresh token was issued to.
    case initiateAuth(secretHash: String?, deviceKey: String? = nil)
    /// The token endpoint or GetTokensFromRefreshToken: the client proved itself already; the
    /// refresh rotates when the client says so.
    case authenticatedClient
}

extension TokenService {
    /// A refresh: new ID and access tokens for a live refresh token, and with the client's
    /// rotation on, a new refresh token too (the presented one then works for the grace period only).
    public func refresh(client: ClientRecord, refreshToken: String, caller: RefreshCaller) async throws(LocalPoolError) -> AuthOutcome {
        if case .initiateAuth = caller {
            guard client.settings.explicitAuthFlows.contains("ALLOW_REFRESH_TOKEN_AUTH") || client.settings.explicitAuthFlows.isEmpty else {
                throw .invalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client")
            }
            if client.settings.rotatesRefreshTokens {
                throw .invalidParameter("Refresh token rotation is enabled for this client: refresh with GetTokensFromRefreshToken.")
            }
        }
        let (record, user, groups) = try await liveRefreshToken(refreshToken, client: client)
        if case .initiateAuth(let secretHash, let deviceKey) = caller {
            if client.secret != nil { try SecretHash.check(secretHash, client: client, username: user.username) }
            // A device named must be the sign-in's, and still the user's.
            if let deviceKey, deviceKey != record.deviceKey || user.devices?.contains(where: { $0.key == deviceKey }) != true {
                throw .notAuthorized("Invalid Refresh Token")
            }
        }
        let outcome = try await sign(
            user: user,
            groups: groups,
            client: client,
            request: TokenRequest(storedScope: record.scope),
            authTime: record.authTime,
            originJti: record.originJti,
            refreshToken: nil,
            source: "TokenGeneration_RefreshTokens",
            deviceKey: record.deviceKey
        )
        guard client.settings.rotatesRefreshTokens, case .tokens(let access, let id, _, let expiresIn, _) = outcome else { return outcome }
        return .tokens(accessToken: access, idToken: id, refreshToken: try await rotate(record), expiresIn: expiresIn)
    }

    /// A new refresh token of `record`'s family, with its expiry (rotation never extends a
    /// sign-in); `record` is marked rotated the first time, from when its grace period runs.
    private func rotate(_ record: RefreshTokenRecord) async throws(LocalPoolError) -> String {
        let now = context.clock.now()
        let token = Identifiers.opaque(bytes: 64)
        var successor = record
        successor.tokenHash = PoolContext.hash(token)
        successor.createdAt = now
        successor.rotatedAt = nil
        let fresh = successor
        try await context.store { try await context.storage.tokens.rotate(hash: record.tokenHash, to: fresh, now: now) }
        return token
    }

    /// The stored record, user and groups of a refresh token that is known, bound to `client`,
    /// not revoked and not expired.
    func liveRefreshToken(_ token: String, client: ClientRecord) async throws(LocalPoolError) -> (RefreshTokenRecord, UserRecord, [GroupRecord]) {
        let hash = PoolContext.hash(token)
        let found = try await context.store { try await context.storage.tokens.refreshTokenAndUser(hash: hash) }
        let now = context.clock.now()
        guard let found, found.token.clientId == client.id else { throw .notAuthorized("Invalid Refresh Token") }
        let record = found.token
        guard record.revokedAt == nil else { throw .notAuthorized("Refresh Token has been revoked") }
        guard record.expiresAt > now else { throw .notAuthorized("Refresh Token has expired") }
        guard let user = found.user else { throw .notAuthorized("Refresh Token has been revoked") }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        if let rotatedAt = record.rotatedAt, now >= rotatedAt + Double(client.settings.refreshTokenRotation?.retryGracePeriodSeconds ?? 0) {
            // A rotated-out token used after its grace: someone holds a copy (RFC 9700 §4.14.2).
            // The whole family goes, the rightful holder's newest token with it.
            context.logger.warning(
                "gatehouse.pool.refresh_token_reused",
                metadata: ["gatehouse.pool.username": "\(user.username)", "oauth.client_id": "\(client.id)"]
            )
            try await revokeFamily(record.originJti)
            throw .notAuthorized("Refresh Token has been revoked")
        }
        return (record, user, found.groups)
    }
}
