package import GatehouseCore

/// The sign-in triggers: PreAuthentication before a password or SRP proof is checked,
/// PostAuthentication before the tokens of a complete sign-in, and UserMigration when a user
/// signing in with a password, or asking for a forgotten one, is not in the pool.
extension Triggers {
    /// Who is signing in, as the sign-in triggers see it.
    struct SignInCaller: Sendable {
        /// The app client signing in.
        var clientID: String
        /// InitiateAuth's `ClientMetadata`: PreAuthentication's and UserMigration's `validationData`.
        var validationData: [String: String]?
    }

    /// PreAuthentication (`PreAuthentication_Authentication`): the function may refuse the sign-in
    /// by raising an error. `user` is nil for a user the pool hides (`userNotFound`).
    func preAuthentication(
        pool: PoolRecord,
        user: UserRecord?,
        username: String,
        caller: SignInCaller
    ) async throws(LocalPoolError) {
        var request: [String: JSONValue] = [
            "userAttributes": Self.attributes(user.map { $0.attributes + [UserRecord.Attribute(name: "sub", value: $0.sub)] } ?? []),
            "validationData": Self.strings(caller.validationData ?? [:]),
        ]
        if user == nil { request["userNotFound"] = .bool(true) }
        _ = try await run(
            "PreAuthentication",
            arn: pool.lambdaConfig?.preAuthentication,
            source: "PreAuthentication_Authentication",
            poolID: pool.id,
            Invocation(userName: user?.username ?? username, clientID: caller.clientID, request: request, response: [:])
        )
    }

    /// PostAuthentication (`PostAuthentication_Authentication`), fired after every step of a
    /// sign-in succeeded and before its tokens are issued: an error fails the sign-in.
    func postAuthentication(
        pool: PoolRecord,
        user: UserRecord,
        clientID: String,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) {
        _ = try await run(
            "PostAuthentication",
            arn: pool.lambdaConfig?.postAuthentication,
            source: "PostAuthentication_Authentication",
            poolID: pool.id,
            Invocation(
                userName: user.username,
                clientID: clientID,
                request: [
                    "userAttributes": Self.attributes(user.attributes + [UserRecord.Attribute(name: "sub", value: user.sub)]),
                    "newDeviceUsed": .bool(false),
                    "clientMetadata": Self.strings(clientMetadata ?? [:]),
                ],
                response: [:]
            )
        )
    }

    /// What UserMigration answers for a user it found in the old directory.
    package struct Migrated: Sendable {
        /// The user's attributes.
        package var attributes: [UserRecord.Attribute]
        /// `CONFIRMED`, or `RESET_REQUIRED` (the user must choose a new password).
        package var status: UserStatus
        /// `messageAction: SUPPRESS`: no welcome message.
        package var suppressMessage: Bool
    }

    /// UserMigration for `username`, unknown to the pool: at sign-in (`UserMigration_Authentication`,
    /// with the password given) or in the forgotten-password flow (`UserMigration_ForgotPassword`,
    /// without). Nil when the pool has no such trigger. The function's error, or an answer without
    /// attributes, is `UserNotFoundException` as on Cognito.
    func migrateUser(
        pool: PoolRecord,
        username: String,
        password: String?,
        caller: SignInCaller,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> Migrated? {
        guard let arn = pool.lambdaConfig?.userMigration else { return nil }
        var request: [String: JSONValue] = [
            "validationData": Self.strings(caller.validationData ?? [:]),
            "clientMetadata": Self.strings(clientMetadata ?? [:]),
        ]
        if let password { request["password"] = .string(password) }
        let answer: [String: JSONValue]?
        do {
            answer = try await run(
                "UserMigration",
                arn: arn,
                source: password == nil ? "UserMigration_ForgotPassword" : "UserMigration_Authentication",
                poolID: pool.id,
                Invocation(
                    userName: username,
                    clientID: caller.clientID,
                    request: request,
                    response: [
                        "userAttributes": .null, "finalUserStatus": .null, "messageAction": .null,
                        "desiredDeliveryMediums": .null, "forceAliasCreation": .null, "enableSMSMFA": .null,
                    ]
                )
            )
        } catch  where error.name == .userLambdaValidation {
            throw LocalPoolError(.userNotFound, error.message)
        }
        return try Self.migrated(answer ?? [:], clientID: caller.clientID, forgotPassword: password == nil)
    }

    /// UserMigration's `response` read: the attributes it must give, the final status and the
    /// message action, each of the values Cognito accepts.
    package static func migrated(_ response: [String: JSONValue], clientID: String, forgotPassword: Bool) throws(LocalPoolError) -> Migrated {
        guard case .object(let members)? = response["userAttributes"], !members.isEmpty else {
            throw LocalPoolError(.userNotFound, "Exception migrating user in app client \(clientID)")
        }
        var attributes: [UserRecord.Attribute] = []
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            // `username` names the user, it is no attribute; everything else must be a string.
            guard name != "username" else { continue }
            guard let text = value.stringValue else { throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output") }
            attributes.append(UserRecord.Attribute(name: name, value: text))
        }
        let status: UserStatus
        switch response["finalUserStatus"] {
        case nil, .null?, .string("CONFIRMED")?: status = forgotPassword ? .resetRequired : .confirmed
        case .string("RESET_REQUIRED")?: status = .resetRequired
        default: throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
        }
        switch response["messageAction"] {
        case nil, .null?, .string("RESEND")?: return Migrated(attributes: attributes, status: status, suppressMessage: false)
        case .string("SUPPRESS")?: return Migrated(attributes: attributes, status: status, suppressMessage: true)
        default: throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
        }
    }
}
