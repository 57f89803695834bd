import Foundation
import GRDB
import GatehouseCore

/// Self-service accounts: sign-up and its confirmation, forgotten and changed passwords, an
/// admin's reset, and a user changing or deleting their own account with their access token.
extension LocalPoolService {
    /// `SignUp`: an `UNCONFIRMED` user with `password`, and a code to confirm it.
    public func signUp(
        client: ClientRecord,
        username: String,
        password: String,
        attributes: [UserRecord.Attribute],
        secretHash: String?
    ) async throws(LocalPoolError) -> (sub: String, delivery: CodeDelivery?) {
        try checkSecretHash(secretHash, client: client, username: username)
        guard try await !pool(client.poolId).allowAdminCreateUserOnly else {
            throw .notAuthorized("SignUp is not permitted for this user pool")
        }
        var user = try await createUser(poolID: client.poolId, username: username, attributes: attributes, temporaryPassword: nil)
        do {
            let stored = try await policyCheckedPassword(password, poolID: client.poolId, username: user.username)
            user = try await updateUser(poolID: client.poolId, username: user.username) { user in
                stored.apply(to: &user)
                user.status = .unconfirmed
            }
        } catch {
            // A refused password leaves no half-made account behind.
            try? await deleteUser(poolID: client.poolId, username: user.username)
            throw error
        }
        return await (user.sub, try sendCode(to: user, purpose: .signUp))
    }

    /// Whether `SignUp` is open in `poolID` (the hosted pages link to it only then).
    public func allowsSignUp(poolID: String) async -> Bool {
        (try? await pool(poolID).allowAdminCreateUserOnly == false) ?? false
    }

    /// The `SECRET_HASH` a client with a secret would send for `username`: the hosted pages act
    /// for the client, which proved itself with its registered redirect.
    func secretHash(client: ClientRecord, username: String) -> String? {
        client.secret.map { Self.secretHash(secret: $0, clientID: client.id, username: username) }
    }

    /// `ConfirmSignUp`: the code confirms the user (and their email).
    public func confirmSignUp(client: ClientRecord, username: String, code: String, secretHash: String?) async throws(LocalPoolError) {
        try checkSecretHash(secretHash, client: client, username: username)
        let user = try await self.user(poolID: client.poolId, username: username)
        guard user.status == .unconfirmed else {
            throw .notAuthorized("User cannot be confirmed. Current status is \(user.status.rawValue)")
        }
        try await consumeCode(of: user, purpose: .signUp, code: code)
        try await confirm(user)
    }

    /// `AdminConfirmSignUp`: confirms without a code.
    public func adminConfirmSignUp(poolID: String, username: String) async throws(LocalPoolError) {
        let user = try await self.user(poolID: poolID, username: username)
        guard user.status == .unconfirmed else {
            throw .notAuthorized("User cannot be confirmed. Current status is \(user.status.rawValue)")
        }
        try await confirm(user)
    }

    private func confirm(_ user: UserRecord) async throws(LocalPoolError) {
        try await updateUser(poolID: user.poolId, username: user.username) { user in
            user.status = .confirmed
            if user.attribute("email") != nil { Self.set(&user, "email_verified", "true") }
        }
        try await write { db in
            _ = try UserCodeRecord.filter(Column("poolId") == user.poolId && Column("username") == user.username && Column("purpose") == "SIGN_UP")
                .deleteAll(db)
        }
    }

    /// `ResendConfirmationCode`.
    public func resendConfirmationCode(client: ClientRecord, username: String, secretHash: String?) async throws(LocalPoolError) -> CodeDelivery? {
        try checkSecretHash(secretHash, client: client, username: username)
        let user = try await self.user(poolID: client.poolId, username: username)
        guard user.status == .unconfirmed else { throw .invalidParameter("User is already confirmed.") }
        return try await sendCode(to: user, purpose: .signUp)
    }

    /// `ForgotPassword`: a code to set a new password with. With `PreventUserExistenceErrors`, an
    /// unknown user gets a made-up delivery, as Cognito gives.
    public func forgotPassword(client: ClientRecord, username: String, secretHash: String?) async throws(LocalPoolError) -> CodeDelivery? {
        try checkSecretHash(secretHash, client: client, username: username)
        let user: UserRecord
        do {
            user = try await self.user(poolID: client.poolId, username: username)
        } catch {
            guard client.settings.preventUserExistenceErrors, error.name == .userNotFound else { throw error }
            return CodeDelivery(destination: "\(username.prefix(1))***@e***", medium: "EMAIL", attributeName: "email")
        }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        guard user.attribute("email") != nil else {
            throw .invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
        }
        return try await sendCode(to: user, purpose: .forgotPassword)
    }

    /// `ConfirmForgotPassword`: the code sets the new password and confirms the user.
    public func confirmForgotPassword(
        client: ClientRecord,
        username: String,
        code: String,
        password: String,
        secretHash: String?
    ) async throws(LocalPoolError) {
        try checkSecretHash(secretHash, client: client, username: username)
        let user = try await self.user(poolID: client.poolId, username: username)
        if let problem = PasswordHasher.policyViolation(password) { throw LocalPoolError(.invalidPassword, problem) }
        try await consumeCode(of: user, purpose: .forgotPassword, code: code)
        try await setPassword(poolID: user.poolId, username: user.username, password: password, permanent: true)
    }

    /// `AdminResetUserPassword`: the user must set a new password with a code before signing in.
    public func adminResetUserPassword(poolID: String, username: String) async throws(LocalPoolError) {
        let user = try await updateUser(poolID: poolID, username: username) { $0.status = .resetRequired }
        try await sendCode(to: user, purpose: .forgotPassword)
    }

    /// The user an access token with the API scope belongs to (the self-service operations).
    func userOfAccessToken(_ token: String) async throws(LocalPoolError) -> UserRecord {
        let grant = try await validateAccessToken(token)
        guard grant.scopes.contains(Self.apiScope) else { throw .notAuthorized("Access Token does not have required scopes") }
        return grant.user
    }

    /// `ChangePassword`: the previous password (counted like any sign-in attempt), then the new one.
    public func changePassword(accessToken: String, previous: String, proposed: String) async throws(LocalPoolError) {
        let user = try await userOfAccessToken(accessToken)
        if let problem = PasswordHasher.policyViolation(proposed) { throw LocalPoolError(.invalidPassword, problem) }
        _ = try await authenticate(user, password: previous)
        try await setPassword(poolID: user.poolId, username: user.username, password: proposed, permanent: true)
    }

    /// `UpdateUserAttributes` with the access token; a changed email is unverified until its
    /// code is given to `VerifyUserAttribute`.
    public func updateOwnAttributes(accessToken: String, attributes: [UserRecord.Attribute]) async throws(LocalPoolError) -> [CodeDelivery] {
        let user = try await userOfAccessToken(accessToken)
        let newEmail = attributes.last { $0.name == "email" }?.value
        var changes = attributes.filter { $0.name != "email_verified" }
        let emailChanged = newEmail != nil && newEmail != user.attribute("email")
        if emailChanged { changes.append(UserRecord.Attribute(name: "email_verified", value: "false")) }
        try await updateAttributes(poolID: user.poolId, username: user.username, attributes: changes)
        guard emailChanged else { return [] }
        let updated = try await self.user(poolID: user.poolId, username: user.username)
        return try await sendCode(to: updated, purpose: .verifyEmail).map { [$0] } ?? []
    }

    /// `GetUserAttributeVerificationCode` (email only): a new code for the user's email.
    public func sendVerificationCode(accessToken: String, name: String) async throws(LocalPoolError) -> CodeDelivery {
        let user = try await userOfAccessToken(accessToken)
        guard name == "email" else { throw .invalidParameter("Only email can be verified by the local pool.") }
        guard let delivery = try await sendCode(to: user, purpose: .verifyEmail) else {
            throw .invalidParameter("The user has no email to verify.")
        }
        return delivery
    }

    /// `VerifyUserAttribute` (email only).
    public func verifyOwnAttribute(accessToken: String, name: String, code: String) async throws(LocalPoolError) {
        let user = try await userOfAccessToken(accessToken)
        guard name == "email" else { throw .invalidParameter("Only email can be verified by the local pool.") }
        try await consumeCode(of: user, purpose: .verifyEmail, code: code)
        try await updateUser(poolID: user.poolId, username: user.username) { Self.set(&$0, "email_verified", "true") }
    }

    /// `DeleteUser` with the access token.
    public func deleteOwnAccount(accessToken: String) async throws(LocalPoolError) {
        let user = try await userOfAccessToken(accessToken)
        try await deleteUser(poolID: user.poolId, username: user.username)
    }

    static func set(_ user: inout UserRecord, _ name: String, _ value: String) {
        if let index = user.attributes.firstIndex(where: { $0.name == name }) {
            user.attributes[index].value = value
        } else {
            user.attributes.append(UserRecord.Attribute(name: name, value: value))
        }
    }
}
