import Crypto
import Foundation
import GRDB
import GatehouseCore
import Logging

/// Refresh tokens: the refresh grant, and revoking a token's family.
extension LocalPoolService {
    /// A refresh: new ID and access tokens for a live refresh token, and with the client's
    /// rotation on, a new refresh token too (the presented one then works for the grace period only).
    ///
    /// `skipSecretHash` is for the OAuth token endpoint, where the client authenticated itself
    /// already. `rotating` is false for `REFRESH_TOKEN_AUTH`, which Cognito refuses for clients
    /// with rotation on; the token endpoint and `GetTokensFromRefreshToken` rotate.
    public func refreshAuth(
        client: ClientRecord,
        refreshToken: String,
        secretHash: String?,
        skipSecretHash: Bool = false,
        rotating: Bool = false
    ) async throws(LocalPoolError) -> AuthOutcome {
        guard
            skipSecretHash || client.settings.explicitAuthFlows.contains("ALLOW_REFRESH_TOKEN_AUTH")
                || client.settings.explicitAuthFlows.isEmpty
        else {
            throw .invalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client")
        }
        if client.settings.rotatesRefreshTokens && !rotating {
            throw .invalidParameter("Refresh token rotation is enabled for this client: refresh with GetTokensFromRefreshToken.")
        }
        let (record, user, groups) = try await liveRefreshToken(refreshToken, client: client)
        if client.secret != nil && !skipSecretHash { try checkSecretHash(secretHash, client: client, username: user.username) }
        let grant = TokenIssuer.Grant(
            poolID: client.poolId,
            client: client,
            user: user,
            scope: record.scope.split(separator: " ").map(String.init),
            authTime: Int(record.authTime),
            originJti: record.originJti,
            nonce: nil,
            fromOAuth: record.scope != Self.apiScope,
            includeIDToken: record.scope == Self.apiScope || record.scope.split(separator: " ").contains("openid"),
            groups: groups
        )
        let tokens: TokenIssuer.Tokens
        do {
            tokens = try await issuer.issue(grant, now: clock.now())
        } catch {
            throw .internalError("signing")
        }
        let next = await client.settings.rotatesRefreshTokens ? try rotate(record) : nil
        return .tokens(accessToken: tokens.accessToken, idToken: tokens.idToken, refreshToken: next, expiresIn: tokens.expiresIn)
    }

    /// A new refresh token of `record`'s family, with its expiry (rotation never extends a
    /// sign-in); `record` is marked rotated the first time, from when its grace period runs.
    private func rotate(_ record: RefreshTokenRecord) async throws(LocalPoolError) -> String {
        let now = clock.now()
        let token = Identifiers.opaque(bytes: 64)
        var successor = record
        successor.tokenHash = Self.hash(token)
        successor.createdAt = now
        successor.rotatedAt = nil
        let (hash, fresh) = (record.tokenHash, successor)
        try await write { db in
            try RefreshTokenRecord.filter(Column("tokenHash") == hash && Column("rotatedAt") == nil)
                .updateAll(db, Column("rotatedAt").set(to: now))
            try fresh.insert(db)
        }
        return token
    }

    /// The stored record and user of a refresh token that is known, bound to `client`, not revoked and not expired.
    func liveRefreshToken(_ token: String, client: ClientRecord) async throws(LocalPoolError) -> (RefreshTokenRecord, UserRecord, [GroupRecord]) {
        let hash = Self.hash(token)
        // One read for the token, its user and their groups: this is the hot path of every refresh.
        let (record, user, groups) = try await read { db -> (RefreshTokenRecord?, UserRecord?, [GroupRecord]) in
            let tokenQuery = try db.cachedStatement(sql: "SELECT * FROM refreshToken WHERE tokenHash = ?")
            guard let record = try RefreshTokenRecord.fetchOne(tokenQuery, arguments: [hash]) else { return (nil, nil, []) }
            let userQuery = try db.cachedStatement(sql: "SELECT * FROM user WHERE poolId = ? AND username = ?")
            guard let user = try UserRecord.fetchOne(userQuery, arguments: [record.poolId, record.username]) else { return (record, nil, []) }
            return (record, user, try Self.groups(of: user, in: db))
        }
        guard let record, record.clientId == client.id else { throw .notAuthorized("Invalid Refresh Token") }
        guard record.revokedAt == nil else { throw .notAuthorized("Refresh Token has been revoked") }
        guard record.expiresAt > clock.now() else { throw .notAuthorized("Refresh Token has expired") }
        guard let user else { throw .notAuthorized("Refresh Token has been revoked") }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        if let rotatedAt = record.rotatedAt, clock.now() >= rotatedAt + Double(client.settings.refreshTokenRotation?.retryGracePeriodSeconds ?? 0) {
            // A rotated-out token used after its grace: someone holds a copy (RFC 9700 §4.14.2).
            // The whole family goes, the rightful holder's newest token with it.
            logger.warning(
                "gatehouse.pool.refresh_token_reused",
                metadata: ["gatehouse.pool.username": "\(user.username)", "oauth.client_id": "\(client.id)"]
            )
            try await revokeTokenFamily(record.originJti)
            throw .notAuthorized("Refresh Token has been revoked")
        }
        return (record, user, groups)
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
        let hash = Self.hash(token)
        let family = try await read { db in try RefreshTokenRecord.fetchOne(db, key: hash) }
        guard let family else { return }
        guard family.clientId == client.id else {
            throw LocalPoolError(.unauthorized, "Refresh token was issued to another client")
        }
        try await revokeTokenFamily(family.originJti)
    }

    /// Whether `token` has a signed JWT's shape: three base64url parts, the first a JSON header.
    static func isSignedJWT(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }), let header = Base64URL.decode(String(parts[0])) else { return false }
        return header.first == UInt8(ascii: "{")
    }

    /// Revokes the refresh token of the family `originJti` and every access and ID token issued
    /// from it.
    func revokeTokenFamily(_ originJti: String) async throws(LocalPoolError) {
        let now = clock.now()
        try await write { db in
            try RefreshTokenRecord
                .filter(Column("originJti") == originJti && Column("revokedAt") == nil)
                .updateAll(db, Column("revokedAt").set(to: now))
            try RevokedOriginRecord(originJti: originJti, revokedAt: now).save(db)
        }
    }
}
