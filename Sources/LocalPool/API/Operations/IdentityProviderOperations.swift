/// OIDC identity providers: CreateIdentityProvider, DescribeIdentityProvider,
/// UpdateIdentityProvider, DeleteIdentityProvider, ListIdentityProviders and
/// GetIdentityProviderByIdentifier.
enum IdentityProviderOperations {
    static let handlers: [String: OperationHandler] = [
        CreateIdentityProvider.name: CreateIdentityProvider.handler, DescribeIdentityProvider.name: DescribeIdentityProvider.handler,
        UpdateIdentityProvider.name: UpdateIdentityProvider.handler, DeleteIdentityProvider.name: DeleteIdentityProvider.handler,
        ListIdentityProviders.name: ListIdentityProviders.handler,
        GetIdentityProviderByIdentifier.name: GetIdentityProviderByIdentifier.handler,
    ]

    /// `IdentityProviderType`.
    struct ProviderType: Encodable, Sendable {
        var userPoolId: String
        var providerName: String
        var providerType: String
        var providerDetails: [String: String]
        var attributeMapping: [String: String]
        var idpIdentifiers: [String]
        var lastModifiedDate: Double
        var creationDate: Double

        init(_ provider: IdentityProviderRecord) {
            userPoolId = provider.poolId
            providerName = provider.providerName
            providerType = provider.providerType
            providerDetails = provider.providerDetails
            attributeMapping = provider.attributeMapping
            idpIdentifiers = provider.idpIdentifiers
            lastModifiedDate = provider.updatedAt
            creationDate = provider.createdAt
        }
    }

    /// `{"IdentityProvider": …}`.
    struct Response: Encodable, Sendable {
        var identityProvider: ProviderType
    }

    /// A pool and a provider name.
    struct NameRequest: Decodable, Sendable {
        var userPoolId: String
        var providerName: String
    }

    struct CreateIdentityProvider: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var providerName: String
            var providerType: String
            var providerDetails: [String: String]
            var attributeMapping: [String: String]?
            var idpIdentifiers: [String]?
        }
        static let name = "CreateIdentityProvider"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let provider = try await api.service.pools.createIdentityProvider(
                poolID: request.userPoolId,
                name: request.providerName,
                type: request.providerType,
                details: request.providerDetails,
                attributeMapping: request.attributeMapping,
                identifiers: request.idpIdentifiers
            )
            return Response(identityProvider: ProviderType(provider))
        }
    }

    struct DescribeIdentityProvider: CognitoOperation {
        static let name = "DescribeIdentityProvider"
        static func run(_ request: NameRequest, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            Response(
                identityProvider: ProviderType(try await api.service.pools.identityProvider(poolID: request.userPoolId, name: request.providerName))
            )
        }
    }

    struct UpdateIdentityProvider: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var providerName: String
            var providerDetails: [String: String]?
            var attributeMapping: [String: String]?
            var idpIdentifiers: [String]?
        }
        static let name = "UpdateIdentityProvider"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let provider = try await api.service.pools.updateIdentityProvider(
                poolID: request.userPoolId,
                name: request.providerName,
                details: request.providerDetails,
                attributeMapping: request.attributeMapping,
                identifiers: request.idpIdentifiers
            )
            return Response(identityProvider: ProviderType(provider))
        }
    }

    struct DeleteIdentityProvider: CognitoOperation {
        static let name = "DeleteIdentityProvider"
        static func run(_ request: NameRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.deleteIdentityProvider(poolID: request.userPoolId, name: request.providerName)
            return EmptyShape()
        }
    }

    struct GetIdentityProviderByIdentifier: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var idpIdentifier: String
        }
        static let name = "GetIdentityProviderByIdentifier"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            Response(
                identityProvider: ProviderType(
                    try await api.service.pools.identityProvider(poolID: request.userPoolId, identifier: request.idpIdentifier)
                )
            )
        }
    }

    struct ListIdentityProviders: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var maxResults: Int?
            var nextToken: String?
        }
        /// `ProviderDescription`.
        struct Description: Encodable, Sendable {
            var providerName: String
            var providerType: String
            var lastModifiedDate: Double
            var creationDate: Double
        }
        struct ListResponse: Encodable, Sendable {
            var providers: [Description]
            var nextToken: String?
        }
        static let name = "ListIdentityProviders"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> ListResponse {
            let maximum = try Validate.within(request.maxResults, 0...60, "maxResults").flatMap { $0 == 0 ? nil : $0 } ?? 60
            let all = try await api.service.pools.identityProviders(poolID: request.userPoolId)
            let (page, next) = IndexPages.page(all, token: request.nextToken, maximum: maximum)
            return ListResponse(
                providers: page.map {
                    Description(
                        providerName: $0.providerName,
                        providerType: $0.providerType,
                        lastModifiedDate: $0.updatedAt,
                        creationDate: $0.createdAt
                    )
                },
                nextToken: next
            )
        }
    }
}
