/// The schema and attribute deletion: AddCustomAttributes, AdminDeleteUserAttributes and DeleteUserAttributes.
enum AttributeOperations {
    static let handlers: [String: OperationHandler] = [
        AdminDeleteUserAttributes.name: AdminDeleteUserAttributes.handler, DeleteUserAttributes.name: DeleteUserAttributes.handler,
        AddCustomAttributes.name: AddCustomAttributes.handler,
    ]

    struct AddCustomAttributes: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var customAttributes: [SchemaAttributeType]
        }
        static let name = "AddCustomAttributes"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let attributes = try SchemaAttributeType.attributes(request.customAttributes, member: "customAttributes", limit: 25)
            try await api.service.pools.addCustomAttributes(poolID: request.userPoolId, attributes ?? [])
            return EmptyShape()
        }
    }

    struct AdminDeleteUserAttributes: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var userAttributeNames: [String]
        }
        static let name = "AdminDeleteUserAttributes"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.users.deleteAttributes(poolID: request.userPoolId, username: request.username, names: request.userAttributeNames)
            return EmptyShape()
        }
    }

    struct DeleteUserAttributes: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var userAttributeNames: [String]
        }
        static let name = "DeleteUserAttributes"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.accounts.deleteOwnAttributes(accessToken: request.accessToken, names: request.userAttributeNames)
            return EmptyShape()
        }
    }
}
