/// App clients: CreateUserPoolClient, DescribeUserPoolClient, UpdateUserPoolClient,
/// ListUserPoolClients, DeleteUserPoolClient.
extension PoolOperations {
    /// A pool's client by id.
    struct ClientRequest: Decodable, Sendable {
        var userPoolId: String
        var clientId: String
    }

    /// `{"UserPoolClient": …}`.
    struct ClientResponse: Encodable, Sendable {
        var userPoolClient: UserPoolClientType
    }

    struct CreateUserPoolClient: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientName: String
            var generateSecret: Bool?
            var settings: ClientSettingsRequest

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                userPoolId = try container.decode(String.self, forKey: .userPoolId)
                clientName = try container.decode(String.self, forKey: .clientName)
                generateSecret = try container.decodeIfPresent(Bool.self, forKey: .generateSecret)
                settings = try ClientSettingsRequest(from: decoder)
            }
            enum CodingKeys: String, CodingKey { case userPoolId, clientName, generateSecret }
        }
        static let name = "CreateUserPoolClient"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> ClientResponse {
            let client = try await api.service.pools.createClient(
                poolID: request.userPoolId,
                name: try Validate.nonEmpty(request.clientName, "clientName"),
                generateSecret: request.generateSecret ?? false,
                settings: try request.settings.settings()
            )
            return ClientResponse(userPoolClient: UserPoolClientType(client))
        }
    }

    struct UpdateUserPoolClient: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String
            var clientName: String?
            var settings: ClientSettingsRequest

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                userPoolId = try container.decode(String.self, forKey: .userPoolId)
                clientId = try container.decode(String.self, forKey: .clientId)
                clientName = try container.decodeIfPresent(String.self, forKey: .clientName)
                settings = try ClientSettingsRequest(from: decoder)
            }
            enum CodingKeys: String, CodingKey { case userPoolId, clientId, clientName }
        }
        static let name = "UpdateUserPoolClient"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> ClientResponse {
            let client = try await api.service.pools.updateClient(
                request.clientId,
                poolID: request.userPoolId,
                name: request.clientName.flatMap { $0.isEmpty ? nil : $0 },
                settings: try request.settings.settings()
            )
            return ClientResponse(userPoolClient: UserPoolClientType(client))
        }
    }

    struct DescribeUserPoolClient: CognitoOperation {
        static let name = "DescribeUserPoolClient"
        static func run(_ request: ClientRequest, api: CognitoAPI) async throws(LocalPoolError) -> ClientResponse {
            ClientResponse(userPoolClient: UserPoolClientType(try await api.service.pools.client(request.clientId, poolID: request.userPoolId)))
        }
    }

    struct ListUserPoolClients: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var maxResults: Int?
            var nextToken: String?
        }
        struct Response: Encodable, Sendable {
            struct Description: Encodable, Sendable {
                var clientId: String
                var clientName: String
                var userPoolId: String
            }
            var userPoolClients: [Description]
            var nextToken: String?
        }
        static let name = "ListUserPoolClients"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            // Cognito's range: 1 to 60, none meaning 60.
            let maximum = try Validate.within(request.maxResults, 1...60, "maxResults") ?? 60
            let clients = try await api.service.pools.clients(poolID: request.userPoolId).sorted { $0.id < $1.id }
            let after = request.nextToken.map { token in clients.filter { $0.id > token } } ?? clients
            let page = after.prefix(maximum)
            return Response(
                userPoolClients: page.map { .init(clientId: $0.id, clientName: $0.name, userPoolId: $0.poolId) },
                nextToken: after.count > maximum ? page.last?.id : nil
            )
        }
    }

    struct DeleteUserPoolClient: CognitoOperation {
        static let name = "DeleteUserPoolClient"
        static func run(_ request: ClientRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.deleteClient(request.clientId, poolID: request.userPoolId)
            return EmptyShape()
        }
    }
}
