import GatehouseCore

/// Tokens: issued for a sign-in, refreshed (with rotation when the client asks for it), revoked
/// by family, and access tokens checked against what only the pool knows.
public struct TokenService: Sendable {
    let context: PoolContext
    let pools: PoolAdministration

    /// A new refresh token for `user` of `client`, and its record to store (by hash only).
    func newRefreshToken(
        user: UserRecord,
        client: ClientRecord,
        request: TokenRequest,
        authTime: Double,
        originJti: String
    ) -> (token: String, record: RefreshTokenRecord) {
        let now = context.clock.now()
        let token = Identifiers.opaque(bytes: 64)
        let record = RefreshTokenRecord(
            tokenHash: PoolContext.hash(token),
            poolId: client.poolId,
            clientId: client.id,
            username: user.username,
            originJti: originJti,
            authTime: authTime,
            scope: request.scope,
            createdAt: now,
            expiresAt: now + Double(client.settings.refreshTokenSeconds),
            revokedAt: nil
        )
        return (token, record)
    }

    /// Signs the access (and ID) token of a grant; with `refreshToken` they are a sign-in's. The
    /// pool's PreTokenGeneration trigger, if any, sees them first (`source` is its trigger source).
    func sign(
        user: UserRecord,
        groups: [GroupRecord],
        client: ClientRecord,
        request: TokenRequest,
        authTime: Double,
        originJti: String,
        refreshToken: String?,
        source: String,
        clientMetadata: [String: String]? = nil,
        deviceKey: String? = nil,
        newDevice: NewDeviceMetadata? = nil
    ) async throws(LocalPoolError) -> AuthOutcome {
        let pool = try await pools.pool(client.poolId)
        let overrides = try await Triggers(context: context).tokenOverrides(
            pool: pool,
            source: source,
            user: user,
            groups: groups,
            client: client,
            scopes: request.scope.split(separator: " ").map(String.init),
            clientMetadata: clientMetadata
        )
        let grant = TokenIssuer.Grant(
            poolID: client.poolId,
            client: client,
            user: user,
            request: request,
            authTime: Int(authTime),
            originJti: originJti,
            groups: groups,
            deviceKey: deviceKey
        )
        do {
            let tokens = try await context.issuer.issue(grant, now: context.clock.now(), overrides: overrides)
            return .tokens(
                accessToken: tokens.accessToken,
                idToken: tokens.idToken,
                refreshToken: refreshToken,
                expiresIn: tokens.expiresIn,
                newDevice: newDevice
            )
        } catch {
            throw .internalError("signing")
        }
    }

    /// Issues a token pair and a refresh token for a sign-in that stored nothing else (the
    /// OAuth code exchange): the user's groups, the refresh token stored, the tokens signed.
    func issue(
        user: UserRecord,
        client: ClientRecord,
        request: TokenRequest,
        authTime: Double,
        originJti: String = Identifiers.uuid()
    ) async throws(LocalPoolError) -> AuthOutcome {
        let signedInAt = authTime.rounded(.down)
        let groups = try await context.store { try await context.storage.groups.groups(ofUser: user.username, poolID: user.poolId) }
        let refresh = newRefreshToken(user: user, client: client, request: request, authTime: signedInAt, originJti: originJti)
        try await context.store { try await context.storage.tokens.create(refresh.record) }
        return try await sign(
            user: user,
            groups: groups,
            client: client,
            request: request,
            authTime: signedInAt,
            originJti: originJti,
            refreshToken: refresh.token,
            source: "TokenGeneration_HostedAuth"
        )
    }

    /// Revokes the refresh token of the family `originJti` and every access and ID token issued
    /// from it.
    func revokeFamily(_ originJti: String) async throws(LocalPoolError) {
        let now = context.clock.now()
        try await context.store { try await context.storage.tokens.revokeFamily(originJti: originJti, now: now) }
    }

    /// Revokes a refresh token and every access and ID token issued from it. Unknown tokens are
    /// ignored (RFC 7009); a token of another client is refused.
    public func revokeRefreshToken(_ token: String, client: ClientRecord) async throws(LocalPoolError) {
        guard client.settings.enableTokenRevocation else {
            throw LocalPoolError(.unsupportedOperation, "Token revocation is not enabled for this client")
        }
        // Cognito revokes refresh tokens only: an access or ID token (a signed JWT, where our
        // refresh tokens are opaque) is refused by type, as Cognito's documentation says.
        guard !Self.isSignedJWT(token) else {
            throw LocalPoolError(.unsupportedTokenType, "Only refresh tokens can be revoked")
        }
        let hash = PoolContext.hash(token)
        guard let family = try await context.store({ try await context.storage.tokens.refreshToken(hash: hash) }) else { return }
        guard family.clientId == client.id else {
            throw LocalPoolError(.unauthorized, "Refresh token was issued to another client")
        }
        try await revokeFamily(family.originJti)
    }

    /// Whether `token` has a signed JWT's shape: three base64url parts, the first a JSON header.
    static func isSignedJWT(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }), let header = Base64URL.decode(String(parts[0])) else { return false }
        return header.first == UInt8(ascii: "{")
    }
}
