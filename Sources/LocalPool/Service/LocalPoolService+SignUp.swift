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
        // Only a code (or an admin) verifies an email or a phone number.
        try Self.refuseVerifiedFlags(attributes)
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

    /// The user called `username`, or nil when there is none and `client` hides who exists (the
    /// caller then answers as for a real user); `UserNotFoundException` otherwise.
    func userUnlessHidden(_ username: String, client: ClientRecord) async throws(LocalPoolError) -> UserRecord? {
        do {
            return try await user(poolID: client.poolId, username: username)
        } catch  where error.name == .userNotFound && client.settings.preventUserExistenceErrors {
            return nil
        }
    }

    /// `ConfirmSignUp`: the code confirms the user (and their email). With existence hidden, an
    /// unknown name gets `CodeMismatchException`, counted as a wrong code.
    public func confirmSignUp(client: ClientRecord, username: String, code: String, secretHash: String?) async throws(LocalPoolError) {
        try checkSecretHash(secretHash, client: client, username: username)
        guard let user = try await userUnlessHidden(username, client: client) else {
            try await refuseCode(poolID: client.poolId, username: username, purpose: .signUp)
        }
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

    /// `ResendConfirmationCode`. With existence hidden, an unknown or disabled name gets a
    /// made-up delivery, under the same limits, as Cognito documents.
    public func resendConfirmationCode(client: ClientRecord, username: String, secretHash: String?) async throws(LocalPoolError) -> CodeDelivery? {
        try checkSecretHash(secretHash, client: client, username: username)
        let hidden = client.settings.preventUserExistenceErrors
        guard let user = try await userUnlessHidden(username, client: client), user.enabled || !hidden else {
            return try await simulateCodeSent(poolID: client.poolId, username: username, purpose: .signUp)
        }
        guard user.status == .unconfirmed else { throw .invalidParameter("User is already confirmed.") }
        guard let delivery = try await sendCode(to: user, purpose: .signUp) else {
            return hidden ? try await simulatedDelivery(poolID: client.poolId, username: user.username) : nil
        }
        return delivery
    }

    /// `ForgotPassword`: a code to set a new password with. With existence hidden, a name that
    /// is unknown, disabled or without an email gets a made-up delivery shaped like a real one,
    /// under the same limits, as Cognito documents.
    public func forgotPassword(client: ClientRecord, username: String, secretHash: String?) async throws(LocalPoolError) -> CodeDelivery? {
        try checkSecretHash(secretHash, client: client, username: username)
        let hidden = client.settings.preventUserExistenceErrors
        guard let user = try await userUnlessHidden(username, client: client) else {
            return try await simulateCodeSent(poolID: client.poolId, username: username, purpose: .forgotPassword)
        }
        guard user.enabled, user.attribute("email") != nil else {
            if hidden { return try await simulateCodeSent(poolID: client.poolId, username: user.username, purpose: .forgotPassword) }
            guard user.enabled else { throw .notAuthorized("User is disabled.") }
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
        // The policy first, for every name: its answer must not depend on who exists.
        if let problem = try await passwordProblem(password, poolID: client.poolId) { throw LocalPoolError(.invalidPassword, problem) }
        let hidden = client.settings.preventUserExistenceErrors
        guard let user = try await userUnlessHidden(username, client: client), !hidden || (user.enabled && user.attribute("email") != nil)
        else {
            // Unknown or disabled (or without an email, so its ForgotPassword was made up too):
            // CodeMismatchException, as Cognito documents, counted alike.
            try await refuseCode(poolID: client.poolId, username: username, purpose: .forgotPassword)
        }
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
        if let problem = try await passwordProblem(proposed, poolID: user.poolId) { throw LocalPoolError(.invalidPassword, problem) }
        _ = try await authenticate(user, password: previous)
        try await setPassword(poolID: user.poolId, username: user.username, password: proposed, permanent: true)
    }

    /// `UpdateUserAttributes` with the access token; a changed email or phone number is
    /// unverified until its code is given to `VerifyUserAttribute`, and the `*_verified` flags
    /// themselves are not the user's to write.
    public func updateOwnAttributes(accessToken: String, attributes: [UserRecord.Attribute]) async throws(LocalPoolError) -> [CodeDelivery] {
        let user = try await userOfAccessToken(accessToken)
        try Self.refuseVerifiedFlags(attributes)
        let changes = Self.unverifyingChanged(attributes, of: user)
        try await updateAttributes(poolID: user.poolId, username: user.username, attributes: changes)
        // The flags cannot come from the request (refused above): this one means a new email.
        guard changes.contains(where: { $0.name == "email_verified" }) else { return [] }
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

    /// The flags only a code or an admin may set.
    static let verifiedFlags: Set<String> = ["email_verified", "phone_number_verified"]

    /// Refuses a self-service write of `email_verified` or `phone_number_verified`, as Cognito
    /// refuses attributes an app client may not write.
    static func refuseVerifiedFlags(_ attributes: [UserRecord.Attribute]) throws(LocalPoolError) {
        if let flag = attributes.first(where: { verifiedFlags.contains($0.name) }) {
            throw .notAuthorized("A client attempted to write unauthorized attribute \(flag.name)")
        }
    }

    /// `attributes` plus `email_verified` / `phone_number_verified` set to false for an email or
    /// phone number that differs from `user`'s.
    static func unverifyingChanged(_ attributes: [UserRecord.Attribute], of user: UserRecord) -> [UserRecord.Attribute] {
        var changes = attributes
        for (name, flag) in [("email", "email_verified"), ("phone_number", "phone_number_verified")] {
            if let value = attributes.last(where: { $0.name == name })?.value, value != user.attribute(name) {
                changes.append(UserRecord.Attribute(name: flag, value: "false"))
            }
        }
        return changes
    }

    static func set(_ user: inout UserRecord, _ name: String, _ value: String) {
        if let index = user.attributes.firstIndex(where: { $0.name == name }) {
            user.attributes[index].value = value
        } else {
            user.attributes.append(UserRecord.Attribute(name: name, value: value))
        }
    }
}
