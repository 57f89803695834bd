import Crypto
import Foundation
import GRDB
import GatehouseCore
import Logging

extension LocalPoolService {
    /// The outcome of a sign-in step: tokens, or a challenge to answer.
    public enum AuthOutcome: Sendable {
        case tokens(accessToken: String, idToken: String?, refreshToken: String?, expiresIn: Int)
        case newPasswordRequired(session: String, username: String, userAttributes: [UserRecord.Attribute])
    }

    static let apiScope = "aws.cognito.signin.user.admin"

    /// Checks `SECRET_HASH` for clients with a secret: Base64(HMAC-SHA256(secret, username + clientId)).
    func checkSecretHash(_ secretHash: String?, client: ClientRecord, username: String) throws(LocalPoolError) {
        guard let secret = client.secret else { return }
        guard let secretHash else {
            throw .notAuthorized("Client \(client.id) is configured with secret but SECRET_HASH was not received")
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Array((username + client.id).utf8), using: SymmetricKey(data: Array(secret.utf8)))
        guard ConstantTime.equals(Data(mac).base64EncodedString(), secretHash) else {
            throw .notAuthorized("Unable to verify secret hash for client \(client.id)")
        }
    }

    /// `USER_PASSWORD_AUTH` (`admin: false`) or `ADMIN_USER_PASSWORD_AUTH` (`admin: true`).
    public func passwordAuth(
        client: ClientRecord,
        username: String,
        password: String,
        secretHash: String?,
        admin: Bool
    ) async throws(LocalPoolError) -> AuthOutcome {
        let flows = client.settings.explicitAuthFlows
        let allowed =
            admin
            ? flows.contains("ALLOW_ADMIN_USER_PASSWORD_AUTH") || flows.contains("ADMIN_NO_SRP_AUTH")
            : flows.contains("ALLOW_USER_PASSWORD_AUTH") || flows.contains("USER_PASSWORD_AUTH")
        guard allowed else {
            throw .invalidParameter("\(admin ? "ADMIN_USER_PASSWORD_AUTH" : "USER_PASSWORD_AUTH") flow not enabled for this client")
        }
        try checkSecretHash(secretHash, client: client, username: username)
        let user: UserRecord
        do {
            user = try self.user(poolID: client.poolId, username: username)
        } catch {
            try await refuseUnknownUser(
                poolID: client.poolId,
                username: username,
                password: password,
                hidden: client.settings.preventUserExistenceErrors,
                error: error
            )
        }
        return try await signIn(user, client: client, password: password)
    }

    private func signIn(_ user: UserRecord, client: ClientRecord, password: String) async throws(LocalPoolError) -> AuthOutcome {
        let now = clock.now()
        let user = try await authenticate(user, password: password)
        if user.status == "FORCE_CHANGE_PASSWORD" {
            let session = Identifiers.opaque(bytes: 96)
            let record = AuthSessionRecord(
                sessionHash: Self.hash(session),
                poolId: user.poolId,
                clientId: client.id,
                username: user.username,
                challenge: "NEW_PASSWORD_REQUIRED",
                expiresAt: now + 180
            )
            try write { db in try record.insert(db) }
            return .newPasswordRequired(session: session, username: user.username, userAttributes: user.allAttributes)
        }
        return try issueSignIn(user: user, client: client, scope: [Self.apiScope], nonce: nil, fromOAuth: false, includeIDToken: true)
    }

    /// Issues a token pair and a refresh token for a fresh sign-in.
    func issueSignIn(
        user: UserRecord,
        client: ClientRecord,
        scope: [String],
        nonce: String?,
        fromOAuth: Bool,
        includeIDToken: Bool,
        authTime: Double? = nil,
        originJti: String = Identifiers.uuid()
    ) throws(LocalPoolError) -> AuthOutcome {
        let now = clock.now()
        let signedInAt = (authTime ?? now).rounded(.down)
        let grant = TokenIssuer.Grant(
            poolID: client.poolId,
            client: client,
            user: user,
            scope: scope,
            authTime: Int(signedInAt),
            originJti: originJti,
            nonce: nonce,
            fromOAuth: fromOAuth,
            includeIDToken: includeIDToken
        )
        let tokens: TokenIssuer.Tokens
        do {
            tokens = try issuer.issue(grant, now: now)
        } catch {
            throw .internalError("signing")
        }
        let refreshToken = Identifiers.opaque(bytes: 64)
        let record = RefreshTokenRecord(
            tokenHash: Self.hash(refreshToken),
            poolId: client.poolId,
            clientId: client.id,
            username: user.username,
            originJti: originJti,
            authTime: signedInAt,
            scope: scope.joined(separator: " "),
            createdAt: now,
            expiresAt: now + Double(client.settings.refreshTokenSeconds),
            revokedAt: nil
        )
        try write { db in try record.insert(db) }
        return .tokens(accessToken: tokens.accessToken, idToken: tokens.idToken, refreshToken: refreshToken, expiresIn: tokens.expiresIn)
    }

    /// Answers `NEW_PASSWORD_REQUIRED`: sets the password, confirms the user, signs them in.
    public func respondToNewPassword(
        client: ClientRecord,
        session: String,
        username: String,
        newPassword: String,
        attributes: [UserRecord.Attribute],
        secretHash: String?
    ) async throws(LocalPoolError) -> AuthOutcome {
        let now = clock.now()
        let hash = Self.hash(session)
        let record = try read { db in try AuthSessionRecord.fetchOne(db, key: hash) }
        guard let record, record.clientId == client.id, record.expiresAt > now, record.challenge == "NEW_PASSWORD_REQUIRED" else {
            throw .notAuthorized("Invalid session for the user, session is expired.")
        }
        let user = try self.user(poolID: client.poolId, username: username)
        guard user.username == record.username else { throw .notAuthorized("Invalid session for the user.") }
        try checkSecretHash(secretHash, client: client, username: username)
        try await setPassword(poolID: client.poolId, username: user.username, password: newPassword, permanent: true)
        if !attributes.isEmpty { try updateAttributes(poolID: client.poolId, username: user.username, attributes: attributes) }
        try write { db in _ = try AuthSessionRecord.deleteOne(db, key: hash) }
        let confirmed = try self.user(poolID: client.poolId, username: user.username)
        return try issueSignIn(user: confirmed, client: client, scope: [Self.apiScope], nonce: nil, fromOAuth: false, includeIDToken: true)
    }

    /// `REFRESH_TOKEN_AUTH`: new ID and access tokens (no new refresh token) for a live refresh token.
    ///
    /// `skipSecretHash` is for the OAuth token endpoint, where the client authenticated itself already.
    public func refreshAuth(
        client: ClientRecord,
        refreshToken: String,
        secretHash: String?,
        skipSecretHash: Bool = false
    ) throws(LocalPoolError) -> AuthOutcome {
        guard
            skipSecretHash || client.settings.explicitAuthFlows.contains("ALLOW_REFRESH_TOKEN_AUTH")
                || client.settings.explicitAuthFlows.isEmpty
        else {
            throw .invalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client")
        }
        let (record, user) = try liveRefreshToken(refreshToken, client: client)
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
            includeIDToken: record.scope == Self.apiScope || record.scope.split(separator: " ").contains("openid")
        )
        do {
            let tokens = try issuer.issue(grant, now: clock.now())
            return .tokens(accessToken: tokens.accessToken, idToken: tokens.idToken, refreshToken: nil, expiresIn: tokens.expiresIn)
        } catch {
            throw .internalError("signing")
        }
    }

    /// The stored record and user of a refresh token that is known, bound to `client`, not revoked and not expired.
    func liveRefreshToken(_ token: String, client: ClientRecord) throws(LocalPoolError) -> (RefreshTokenRecord, UserRecord) {
        let hash = Self.hash(token)
        // One read for the token and its user: this is the hot path of every refresh.
        let (record, user) = try read { db -> (RefreshTokenRecord?, UserRecord?) in
            let tokenQuery = try db.cachedStatement(sql: "SELECT * FROM refreshToken WHERE tokenHash = ?")
            guard let record = try RefreshTokenRecord.fetchOne(tokenQuery, arguments: [hash]) else { return (nil, nil) }
            let userQuery = try db.cachedStatement(sql: "SELECT * FROM user WHERE poolId = ? AND username = ?")
            return (record, try UserRecord.fetchOne(userQuery, arguments: [record.poolId, record.username]))
        }
        guard let record, record.clientId == client.id else { throw .notAuthorized("Invalid Refresh Token") }
        guard record.revokedAt == nil else { throw .notAuthorized("Refresh Token has been revoked") }
        guard record.expiresAt > clock.now() else { throw .notAuthorized("Refresh Token has expired") }
        guard let user else { throw .notAuthorized("Refresh Token has been revoked") }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        return (record, user)
    }

    /// Revokes a refresh token and every access and ID token issued from it. Unknown tokens are
    /// ignored (RFC 7009); a token of another client is refused.
    public func revokeRefreshToken(_ token: String, client: ClientRecord) throws(LocalPoolError) {
        guard client.settings.enableTokenRevocation else {
            throw LocalPoolError("UnsupportedOperationException", "Token revocation is not enabled for this client")
        }
        // Cognito revokes refresh tokens only: an access or ID token (a signed JWT, where our
        // refresh tokens are opaque) is refused by type, as Cognito's documentation says.
        guard !Self.isSignedJWT(token) else {
            throw LocalPoolError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked")
        }
        let hash = Self.hash(token)
        let family = try read { db in try RefreshTokenRecord.fetchOne(db, key: hash) }
        guard let family else { return }
        guard family.clientId == client.id else {
            throw LocalPoolError("UnauthorizedException", "Refresh token was issued to another client")
        }
        try revokeTokenFamily(family.originJti)
    }

    /// Whether `token` has a signed JWT's shape: three base64url parts, the first a JSON header.
    static func isSignedJWT(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }), let header = Base64URL.decode(String(parts[0])) else { return false }
        return header.first == UInt8(ascii: "{")
    }

    /// Revokes the refresh token of the family `originJti` and every access and ID token issued
    /// from it.
    func revokeTokenFamily(_ originJti: String) throws(LocalPoolError) {
        let now = clock.now()
        try write { db in
            try RefreshTokenRecord
                .filter(Column("originJti") == originJti && Column("revokedAt") == nil)
                .updateAll(db, Column("revokedAt").set(to: now))
            try RevokedOriginRecord(originJti: originJti, revokedAt: now).save(db)
        }
    }

    /// Checks a confidential client's secret, in constant time.
    func checkClientSecret(_ secret: String?, client: ClientRecord) throws(LocalPoolError) {
        guard let expected = client.secret else { return }
        guard let secret, ConstantTime.equals(secret, expected) else {
            throw LocalPoolError("NotAuthorizedException", "Unable to verify client secret for \(client.id)")
        }
    }
}
