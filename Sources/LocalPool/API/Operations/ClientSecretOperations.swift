/// Client secret rotation: AddUserPoolClientSecret, ListUserPoolClientSecrets,
/// DeleteUserPoolClientSecret.
enum ClientSecretOperations {
    static let handlers: [String: OperationHandler] = [
        AddUserPoolClientSecret.name: AddUserPoolClientSecret.handler, ListUserPoolClientSecrets.name: ListUserPoolClientSecrets.handler,
        DeleteUserPoolClientSecret.name: DeleteUserPoolClientSecret.handler,
    ]

    /// `ClientSecretDescriptorType`: the value only when the secret was just added.
    struct Descriptor: Encodable, Sendable {
        var clientSecretId: String
        var clientSecretValue: String?
        var clientSecretCreateDate: Double

        init(_ secret: ClientSecretRecord, showingValue: Bool) {
            clientSecretId = secret.id
            clientSecretValue = showingValue ? secret.value : nil
            clientSecretCreateDate = secret.createdAt
        }
    }

    struct AddUserPoolClientSecret: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String
            var clientSecret: String?
        }
        struct Response: Encodable, Sendable {
            var clientSecretDescriptor: Descriptor
        }
        static let name = "AddUserPoolClientSecret"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let added = try await api.service.pools.addClientSecret(request.clientId, poolID: request.userPoolId, value: request.clientSecret)
            return Response(clientSecretDescriptor: Descriptor(added, showingValue: true))
        }
    }

    struct ListUserPoolClientSecrets: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String
            var nextToken: String?
        }
        struct Response: Encodable, Sendable {
            var clientSecrets: [Descriptor]
        }
        static let name = "ListUserPoolClientSecrets"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let secrets = try await api.service.pools.clientSecrets(request.clientId, poolID: request.userPoolId)
            return Response(clientSecrets: secrets.map { Descriptor($0, showingValue: false) })
        }
    }

    struct DeleteUserPoolClientSecret: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String
            var clientSecretId: String
        }
        static let name = "DeleteUserPoolClientSecret"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.deleteClientSecret(request.clientSecretId, clientID: request.clientId, poolID: request.userPoolId)
            return EmptyShape()
        }
    }
}
