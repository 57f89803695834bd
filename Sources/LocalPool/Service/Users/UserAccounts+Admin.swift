import GatehouseCore

extension UserAccounts {
    /// `AdminCreateUser`: the pool's PreSignUp trigger first (`PreSignUp_AdminCreateUser`; a
    /// failure creates no user), then a `FORCE_CHANGE_PASSWORD` user, its email or phone number
    /// verified when the trigger answers `autoVerifyEmail` or `autoVerifyPhone`.
    public func adminCreateUser(
        poolID: String,
        username: String,
        attributes: [UserRecord.Attribute],
        temporaryPassword: String?,
        validationData: [String: String]? = nil,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> UserRecord {
        let pool = try await pools.pool(poolID)
        let verdict = try await Triggers(context: context).run(
            "PreSignUp",
            arn: pool.lambdaConfig?.preSignUp,
            source: "PreSignUp_AdminCreateUser",
            poolID: pool.id,
            Triggers.Invocation(
                userName: username,
                clientID: nil,
                request: [
                    "userAttributes": Triggers.attributes(attributes),
                    "validationData": Triggers.strings(validationData),
                    "clientMetadata": Triggers.strings(clientMetadata),
                ],
                response: ["autoConfirmUser": .bool(false), "autoVerifyEmail": .bool(false), "autoVerifyPhone": .bool(false)]
            )
        )
        let user = try await createUser(poolID: poolID, username: username, attributes: attributes, temporaryPassword: temporaryPassword)
        let verifyEmail = verdict?["autoVerifyEmail"]?.boolValue == true && user.attribute("email") != nil
        let verifyPhone = verdict?["autoVerifyPhone"]?.boolValue == true && user.attribute("phone_number") != nil
        guard verifyEmail || verifyPhone else { return user }
        return try await update(poolID: poolID, username: user.username) { user in
            if verifyEmail { user.set("email_verified", "true") }
            if verifyPhone { user.set("phone_number_verified", "true") }
        }
    }
}
