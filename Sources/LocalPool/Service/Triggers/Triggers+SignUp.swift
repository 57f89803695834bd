import GatehouseCore

/// The PreSignUp trigger, fired before any user is created: SignUp and the hosted sign-up page
/// (`PreSignUp_SignUp`), AdminCreateUser (`PreSignUp_AdminCreateUser`) and a first sign-in
/// through an identity provider (`PreSignUp_ExternalProvider`).
extension Triggers {
    /// What PreSignUp answers (all false without the trigger).
    struct SignUpVerdict: Sendable {
        var autoConfirmUser = false
        var autoVerifyEmail = false
        var autoVerifyPhone = false

        /// The verifications it grants, applied to `user` (only for what the user has).
        func verify(_ user: inout UserRecord) {
            if autoVerifyEmail, user.attribute("email") != nil { user.set("email_verified", "true") }
            if autoVerifyPhone, user.attribute("phone_number") != nil { user.set("phone_number_verified", "true") }
        }
    }

    /// The pool's PreSignUp function for `source`; an error refuses the sign-up.
    func preSignUp(
        pool: PoolRecord,
        source: String,
        userName: String,
        clientID: String?,
        attributes: [UserRecord.Attribute],
        validationData: [String: String]?,
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> SignUpVerdict {
        let answer = try await run(
            "PreSignUp",
            arn: pool.lambdaConfig?.preSignUp,
            source: source,
            poolID: pool.id,
            Invocation(
                userName: userName,
                clientID: clientID,
                request: [
                    "userAttributes": Self.attributes(attributes),
                    "validationData": Self.strings(validationData),
                    "clientMetadata": Self.strings(clientMetadata),
                ],
                response: ["autoConfirmUser": .bool(false), "autoVerifyEmail": .bool(false), "autoVerifyPhone": .bool(false)]
            )
        )
        return SignUpVerdict(
            autoConfirmUser: answer?["autoConfirmUser"]?.boolValue == true,
            autoVerifyEmail: answer?["autoVerifyEmail"]?.boolValue == true,
            autoVerifyPhone: answer?["autoVerifyPhone"]?.boolValue == true
        )
    }
}
