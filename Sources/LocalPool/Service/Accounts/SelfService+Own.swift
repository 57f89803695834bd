import GatehouseCore

/// A user changing or deleting their own account with their access token.
extension SelfService {
    /// `ChangePassword`: the previous password (counted like any sign-in attempt), then the new one.
    public func changePassword(accessToken: String, previous: String, proposed: String) async throws(LocalPoolError) {
        let user = try await tokens.userOfAccessToken(accessToken)
        if let problem = try await users.passwordProblem(proposed, poolID: user.poolId) { throw LocalPoolError(.invalidPassword, problem) }
        _ = try await signIn.authenticate(poolID: user.poolId, username: user.username, password: previous)
        try await users.setPassword(poolID: user.poolId, username: user.username, password: proposed, permanent: true)
    }

    /// `UpdateUserAttributes` with the access token; a changed email or phone number is
    /// unverified until its code is given to `VerifyUserAttribute`, and the `*_verified` flags
    /// themselves are not the user's to write.
    public func updateOwnAttributes(accessToken: String, attributes: [UserRecord.Attribute]) async throws(LocalPoolError) -> [CodeDelivery] {
        let (user, client) = try await tokens.accountOfAccessToken(accessToken)
        try AttributeRules.refuseVerifiedFlags(attributes)
        try AttributeRules.refuseUnwritable(attributes, client: client.settings, schema: try await users.schema(poolID: user.poolId))
        let changes = AttributeRules.unverifyingChanged(attributes, of: user)
        try await users.updateAttributes(poolID: user.poolId, username: user.username, attributes: changes)
        // The flags cannot come from the request (refused above): this one means a new email.
        guard changes.contains(where: { $0.name == "email_verified" }) else { return [] }
        let updated = try await users.user(poolID: user.poolId, username: user.username)
        return try await codes.send(to: updated, purpose: .verifyEmail, source: .updateUserAttribute, clientID: client.id).map { [$0] } ?? []
    }

    /// `DeleteUserAttributes` with the access token: as AdminDeleteUserAttributes, for the token's user.
    public func deleteOwnAttributes(accessToken: String, names: [String]) async throws(LocalPoolError) {
        let (user, client) = try await tokens.accountOfAccessToken(accessToken)
        let named = names.map { UserRecord.Attribute(name: $0, value: "") }
        try AttributeRules.refuseUnwritable(named, client: client.settings, schema: try await users.schema(poolID: user.poolId))
        try await users.deleteAttributes(poolID: user.poolId, username: user.username, names: names)
    }

    /// `GetUserAttributeVerificationCode` (email only): a new code for the user's email.
    public func sendVerificationCode(accessToken: String, name: String) async throws(LocalPoolError) -> CodeDelivery {
        let user = try await tokens.userOfAccessToken(accessToken)
        guard name == "email" else { throw .invalidParameter("Only email can be verified by the local pool.") }
        guard let delivery = try await codes.send(to: user, purpose: .verifyEmail, source: .verifyUserAttribute) else {
            throw .invalidParameter("The user has no email to verify.")
        }
        return delivery
    }

    /// `VerifyUserAttribute` (email only).
    public func verifyOwnAttribute(accessToken: String, name: String, code: String) async throws(LocalPoolError) {
        let user = try await tokens.userOfAccessToken(accessToken)
        guard name == "email" else { throw .invalidParameter("Only email can be verified by the local pool.") }
        try await codes.consume(of: user, purpose: .verifyEmail, code: code)
        try await users.update(poolID: user.poolId, username: user.username) { $0.set("email_verified", "true") }
    }

    /// `DeleteUser` with the access token.
    public func deleteOwnAccount(accessToken: String) async throws(LocalPoolError) {
        let user = try await tokens.userOfAccessToken(accessToken)
        try await users.deleteUser(poolID: user.poolId, username: user.username)
    }
}
