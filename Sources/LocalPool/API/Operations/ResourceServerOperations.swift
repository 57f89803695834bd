/// Resource servers: CreateResourceServer, DescribeResourceServer, UpdateResourceServer,
/// DeleteResourceServer, ListResourceServers.
enum ResourceServerOperations {
    static let handlers: [String: OperationHandler] = [
        CreateResourceServer.name: CreateResourceServer.handler, DescribeResourceServer.name: DescribeResourceServer.handler,
        UpdateResourceServer.name: UpdateResourceServer.handler, DeleteResourceServer.name: DeleteResourceServer.handler,
        ListResourceServers.name: ListResourceServers.handler,
    ]

    /// `ResourceServerType`.
    struct ResourceServerType: Encodable, Sendable {
        var userPoolId: String
        var identifier: String
        var name: String
        var scopes: [ResourceServerScope]

        init(_ server: ResourceServerRecord) {
            userPoolId = server.poolId
            identifier = server.identifier
            name = server.name
            scopes = server.scopes
        }
    }

    /// A resource server as Create- and UpdateResourceServer take it.
    struct ServerRequest: Decodable, Sendable {
        var userPoolId: String
        var identifier: String
        var name: String
        var scopes: [ResourceServerScope]?
    }

    /// A pool and an identifier.
    struct IdentifierRequest: Decodable, Sendable {
        var userPoolId: String
        var identifier: String
    }

    /// `{"ResourceServer": …}`.
    struct ServerResponse: Encodable, Sendable {
        var resourceServer: ResourceServerType
    }

    struct CreateResourceServer: CognitoOperation {
        static let name = "CreateResourceServer"
        static func run(_ request: ServerRequest, api: CognitoAPI) async throws(LocalPoolError) -> ServerResponse {
            let server = try await api.service.pools.createResourceServer(
                poolID: request.userPoolId,
                identifier: request.identifier,
                name: request.name,
                scopes: request.scopes ?? []
            )
            return ServerResponse(resourceServer: ResourceServerType(server))
        }
    }

    struct DescribeResourceServer: CognitoOperation {
        static let name = "DescribeResourceServer"
        static func run(_ request: IdentifierRequest, api: CognitoAPI) async throws(LocalPoolError) -> ServerResponse {
            let server = try await api.service.pools.resourceServer(poolID: request.userPoolId, identifier: request.identifier)
            return ServerResponse(resourceServer: ResourceServerType(server))
        }
    }

    struct UpdateResourceServer: CognitoOperation {
        static let name = "UpdateResourceServer"
        static func run(_ request: ServerRequest, api: CognitoAPI) async throws(LocalPoolError) -> ServerResponse {
            let server = try await api.service.pools.updateResourceServer(
                poolID: request.userPoolId,
                identifier: request.identifier,
                name: request.name,
                scopes: request.scopes ?? []
            )
            return ServerResponse(resourceServer: ResourceServerType(server))
        }
    }

    struct DeleteResourceServer: CognitoOperation {
        static let name = "DeleteResourceServer"
        static func run(_ request: IdentifierRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.deleteResourceServer(poolID: request.userPoolId, identifier: request.identifier)
            return EmptyShape()
        }
    }

    struct ListResourceServers: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var maxResults: Int?
            var nextToken: String?
        }
        struct Response: Encodable, Sendable {
            var resourceServers: [ResourceServerType]
            var nextToken: String?
        }
        static let name = "ListResourceServers"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            // Cognito's range: 1 to 50, none meaning 50.
            let maximum = try Validate.within(request.maxResults, 1...50, "maxResults") ?? 50
            let servers = try await api.service.pools.resourceServers(poolID: request.userPoolId)
            let after = request.nextToken.map { token in servers.filter { $0.identifier > token } } ?? servers
            let page = after.prefix(maximum)
            return Response(resourceServers: page.map(ResourceServerType.init), nextToken: after.count > maximum ? page.last?.identifier : nil)
        }
    }
}
