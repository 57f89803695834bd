/// Self-service accounts: SignUp, ConfirmSignUp, ResendConfirmationCode, AdminConfirmSignUp,
/// ForgotPassword, ConfirmForgotPassword, AdminResetUserPassword, and with an access token
/// ChangePassword, UpdateUserAttributes, VerifyUserAttribute and DeleteUser.
enum AccountOperations {
    static let handlers: [String: OperationHandler] = [
        SignUp.name: SignUp.handler, ConfirmSignUp.name: ConfirmSignUp.handler,
        ResendConfirmationCode.name: ResendConfirmationCode.handler, AdminConfirmSignUp.name: AdminConfirmSignUp.handler,
        ForgotPassword.name: ForgotPassword.handler, ConfirmForgotPassword.name: ConfirmForgotPassword.handler,
        AdminResetUserPassword.name: AdminResetUserPassword.handler, ChangePassword.name: ChangePassword.handler,
        UpdateUserAttributes.name: UpdateUserAttributes.handler, VerifyUserAttribute.name: VerifyUserAttribute.handler,
        GetUserAttributeVerificationCode.name: GetUserAttributeVerificationCode.handler, DeleteUser.name: DeleteUser.handler,
    ]

    /// `CodeDeliveryDetailsType`.
    struct CodeDeliveryDetails: Encodable, Sendable {
        var destination: String
        var deliveryMedium: String
        var attributeName: String

        init(_ delivery: CodeDelivery) {
            destination = delivery.destination
            deliveryMedium = delivery.medium
            attributeName = delivery.attributeName
        }
    }

    /// `{"CodeDeliveryDetails": …}`.
    struct DeliveryResponse: Encodable, Sendable {
        var codeDeliveryDetails: CodeDeliveryDetails?
    }

    /// A client and a username, with the secret hash of clients with a secret.
    struct ClientUserRequest: Decodable, Sendable {
        var clientId: String
        var username: String
        var secretHash: String?
        var clientMetadata: [String: String]?
    }

    /// An access token alone.
    struct AccessTokenRequest: Decodable, Sendable {
        var accessToken: String
    }

    static func attributes(_ list: [AttributeType]?) -> [UserRecord.Attribute] {
        (list ?? []).map { UserRecord.Attribute(name: $0.name, value: $0.value ?? "") }
    }

    /// `ValidationData` as a trigger's `request.validationData` has it (name to value).
    static func pairs(_ list: [AttributeType]?) -> [String: String]? {
        list.map { Dictionary($0.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last }) }
    }

    struct SignUp: CognitoOperation {
        struct Request: Decodable, Sendable {
            var clientId: String
            var username: String
            var password: String
            var secretHash: String?
            var userAttributes: [AttributeType]?
            var validationData: [AttributeType]?
            var clientMetadata: [String: String]?
        }
        struct Response: Encodable, Sendable {
            var userConfirmed: Bool
            var userSub: String
            var codeDeliveryDetails: CodeDeliveryDetails?
        }
        static let name = "SignUp"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let client = try await api.service.pools.client(request.clientId)
            let result = try await api.service.accounts.signUp(
                client: client,
                username: request.username,
                password: request.password,
                attributes: attributes(request.userAttributes),
                secretHash: request.secretHash,
                validationData: request.validationData.map {
                    Dictionary($0.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
                },
                clientMetadata: request.clientMetadata
            )
            return Response(
                userConfirmed: result.confirmed,
                userSub: result.sub,
                codeDeliveryDetails: result.delivery.map(CodeDeliveryDetails.init)
            )
        }
    }

    struct ConfirmSignUp: CognitoOperation {
        struct Request: Decodable, Sendable {
            var clientId: String
            var username: String
            var confirmationCode: String
            var secretHash: String?
        }
        static let name = "ConfirmSignUp"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let client = try await api.service.pools.client(request.clientId)
            try await api.service.accounts.confirmSignUp(
                client: client,
                username: request.username,
                code: request.confirmationCode,
                secretHash: request.secretHash
            )
            return EmptyShape()
        }
    }

    struct ResendConfirmationCode: CognitoOperation {
        static let name = "ResendConfirmationCode"
        static func run(_ request: ClientUserRequest, api: CognitoAPI) async throws(LocalPoolError) -> DeliveryResponse {
            let client = try await api.service.pools.client(request.clientId)
            let delivery = try await api.service.accounts.resendConfirmationCode(
                client: client,
                username: request.username,
                secretHash: request.secretHash
            )
            return DeliveryResponse(codeDeliveryDetails: delivery.map(CodeDeliveryDetails.init))
        }
    }

    struct AdminConfirmSignUp: CognitoOperation {
        static let name = "AdminConfirmSignUp"
        static func run(_ request: UserInPoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.accounts.adminConfirmSignUp(poolID: request.userPoolId, username: request.username)
            return EmptyShape()
        }
    }

    struct ForgotPassword: CognitoOperation {
        static let name = "ForgotPassword"
        static func run(_ request: ClientUserRequest, api: CognitoAPI) async throws(LocalPoolError) -> DeliveryResponse {
            let client = try await api.service.pools.client(request.clientId)
            let delivery = try await api.service.accounts.forgotPassword(
                client: client,
                username: request.username,
                secretHash: request.secretHash,
                clientMetadata: request.clientMetadata
            )
            return DeliveryResponse(codeDeliveryDetails: delivery.map(CodeDeliveryDetails.init))
        }
    }

    struct ConfirmForgotPassword: CognitoOperation {
        struct Request: Decodable, Sendable {
            var clientId: String
            var username: String
            var confirmationCode: String
            var password: String
            var secretHash: String?
        }
        static let name = "ConfirmForgotPassword"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let client = try await api.service.pools.client(request.clientId)
            try await api.service.accounts.confirmForgotPassword(
                client: client,
                username: request.username,
                code: request.confirmationCode,
                password: request.password,
                secretHash: request.secretHash
            )
            return EmptyShape()
        }
    }

    struct AdminResetUserPassword: CognitoOperation {
        static let name = "AdminResetUserPassword"
        static func run(_ request: UserInPoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.accounts.adminResetUserPassword(poolID: request.userPoolId, username: request.username)
            return EmptyShape()
        }
    }

    struct ChangePassword: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var previousPassword: String
            var proposedPassword: String
        }
        static let name = "ChangePassword"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.accounts.changePassword(
                accessToken: request.accessToken,
                previous: request.previousPassword,
                proposed: request.proposedPassword
            )
            return EmptyShape()
        }
    }

    struct UpdateUserAttributes: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var userAttributes: [AttributeType]
        }
        struct Response: Encodable, Sendable {
            var codeDeliveryDetailsList: [CodeDeliveryDetails]
        }
        static let name = "UpdateUserAttributes"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let deliveries = try await api.service.accounts.updateOwnAttributes(
                accessToken: request.accessToken,
                attributes: attributes(request.userAttributes)
            )
            return Response(codeDeliveryDetailsList: deliveries.map(CodeDeliveryDetails.init))
        }
    }

    struct VerifyUserAttribute: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var attributeName: String
            var code: String
        }
        static let name = "VerifyUserAttribute"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.accounts.verifyOwnAttribute(accessToken: request.accessToken, name: request.attributeName, code: request.code)
            return EmptyShape()
        }
    }

    struct GetUserAttributeVerificationCode: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var attributeName: String
        }
        static let name = "GetUserAttributeVerificationCode"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> DeliveryResponse {
            let delivery = try await api.service.accounts.sendVerificationCode(accessToken: request.accessToken, name: request.attributeName)
            return DeliveryResponse(codeDeliveryDetails: CodeDeliveryDetails(delivery))
        }
    }

    struct DeleteUser: CognitoOperation {
        static let name = "DeleteUser"
        static func run(_ request: AccessTokenRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.accounts.deleteOwnAccount(accessToken: request.accessToken)
            return EmptyShape()
        }
    }
}
