import Crypto
import Foundation
import GRDB
import GatehouseCore
import Logging

/// Signing in: passwords, the new-password challenge, secrets, and issuing the tokens.
extension LocalPoolService {
    /// The outcome of a sign-in step: tokens, or a challenge to answer.
    public enum AuthOutcome: Sendable {
        case tokens(accessToken: String, idToken: String?, refreshToken: String?, expiresIn: Int)
        case newPasswordRequired(session: String, username: String, userAttributes: [UserRecord.Attribute])
        /// Another challenge (`PASSWORD_VERIFIER`, …) with its parameters.
        case challenge(name: ChallengeName, session: String?, parameters: [String: String])
    }

    static let apiScope = "aws.cognito.signin.user.admin"

    /// Cognito's `SECRET_HASH`: Base64(HMAC-SHA256(secret, username + clientId)).
    static func secretHash(secret: String, clientID: String, username: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((username + clientID).utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Checks `SECRET_HASH` for clients with a secret: Base64(HMAC-SHA256(secret, username + clientId)).
    func checkSecretHash(_ secretHash: String?, client: ClientRecord, username: String) throws(LocalPoolError) {
        guard let secret = client.secret else { return }
        guard let secretHash else {
            throw .notAuthorized("Client \(client.id) is configured with secret but SECRET_HASH was not received")
        }
        guard ConstantTime.equals(Self.secretHash(secret: secret, clientID: client.id, username: username), secretHash) else {
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
            user = try await self.user(poolID: client.poolId, username: username)
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
        try await completeSignIn(try await authenticate(user, password: password), client: client)
    }

    /// What follows a proven password: the new-password challenge, or the tokens.
    func completeSignIn(_ user: UserRecord, client: ClientRecord) async throws(LocalPoolError) -> AuthOutcome {
        if user.status == .forceChangePassword {
            let session = try await startChallenge(.newPasswordRequired, user: user, client: client, lifetime: 180)
            return .newPasswordRequired(session: session, username: user.username, userAttributes: user.allAttributes)
        }
        return try await continueSignIn(user, client: client)
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
    ) async throws(LocalPoolError) -> AuthOutcome {
        let now = clock.now()
        let signedInAt = (authTime ?? now).rounded(.down)
        let groups = try await groups(of: user)
        let grant = TokenIssuer.Grant(
            poolID: client.poolId,
            client: client,
            user: user,
            scope: scope,
            authTime: Int(signedInAt),
            originJti: originJti,
            nonce: nonce,
            fromOAuth: fromOAuth,
            includeIDToken: includeIDToken,
            groups: groups
        )
        let tokens: TokenIssuer.Tokens
        do {
            tokens = try await issuer.issue(grant, now: now)
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
        try await write { db in try record.insert(db) }
        return .tokens(accessToken: tokens.accessToken, idToken: tokens.idToken, refreshToken: refreshToken, expiresIn: tokens.expiresIn)
    }

    /// Answers `NEW_PASSWORD_REQUIRED`: sets the password, confirms the user, signs them in (or
    /// asks for the MFA step).
    public func respondToNewPassword(
        client: ClientRecord,
        session: String,
        username: String,
        newPassword: String,
        attributes: [UserRecord.Attribute],
        secretHash: String?
    ) async throws(LocalPoolError) -> AuthOutcome {
        try checkSecretHash(secretHash, client: client, username: username)
        let user = try await completeNewPassword(
            client: client,
            session: session,
            username: username,
            newPassword: newPassword,
            attributes: attributes
        )
        return try await continueSignIn(user, client: client)
    }

    /// Sets the new password a `NEW_PASSWORD_REQUIRED` session asked for; the confirmed user.
    public func completeNewPassword(
        client: ClientRecord,
        session: String,
        username: String?,
        newPassword: String,
        attributes: [UserRecord.Attribute]
    ) async throws(LocalPoolError) -> UserRecord {
        let (record, user) = try await pendingChallenge(.newPasswordRequired, session: session, client: client, username: username)
        // The user may fill in attributes here, but not declare them verified; a new email or
        // phone number is unverified. Checked before anything changes.
        try Self.refuseVerifiedFlags(attributes)
        try Self.checkAttributes(attributes)
        try await setPassword(poolID: client.poolId, username: user.username, password: newPassword, permanent: true)
        if !attributes.isEmpty {
            try await updateAttributes(poolID: client.poolId, username: user.username, attributes: Self.unverifyingChanged(attributes, of: user))
        }
        try await write { db in _ = try AuthSessionRecord.deleteOne(db, key: record.sessionHash) }
        return try await self.user(poolID: client.poolId, username: user.username)
    }

    /// Checks a confidential client's secret, in constant time.
    func checkClientSecret(_ secret: String?, client: ClientRecord) throws(LocalPoolError) {
        guard let expected = client.secret else { return }
        guard let secret, ConstantTime.equals(secret, expected) else {
            throw LocalPoolError(.notAuthorized, "Unable to verify client secret for \(client.id)")
        }
    }
}
