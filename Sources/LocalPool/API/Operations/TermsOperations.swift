/// Terms documents: CreateTerms, DescribeTerms, UpdateTerms, DeleteTerms, ListTerms.
enum TermsOperations {
    static let handlers: [String: OperationHandler] = [
        CreateTerms.name: CreateTerms.handler, DescribeTerms.name: DescribeTerms.handler, UpdateTerms.name: UpdateTerms.handler,
        DeleteTerms.name: DeleteTerms.handler, ListTerms.name: ListTerms.handler,
    ]

    /// `TermsType`.
    struct TermsType: Encodable, Sendable {
        var termsId: String
        var userPoolId: String
        var clientId: String
        var termsName: String
        var termsSource: String
        var enforcement: String
        var links: [String: String]
        var creationDate: Double
        var lastModifiedDate: Double

        init(_ terms: TermsRecord) {
            termsId = terms.termsId
            userPoolId = terms.poolId
            clientId = terms.clientId
            termsName = terms.termsName
            termsSource = terms.termsSource
            enforcement = terms.enforcement
            links = terms.links
            creationDate = terms.createdAt
            lastModifiedDate = terms.updatedAt
        }
    }

    /// `{"Terms": …}`.
    struct TermsResponse: Encodable, Sendable {
        var terms: TermsType
    }

    /// A pool and a terms id.
    struct TermsIDRequest: Decodable, Sendable {
        var termsId: String
        var userPoolId: String
    }

    struct CreateTerms: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String
            var termsName: String
            var termsSource: String
            var enforcement: String
            var links: [String: String]?
        }
        static let name = "CreateTerms"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> TermsResponse {
            guard let links = request.links else { throw .invalidParameter("Links are required: LINK terms need at least one link.") }
            let terms = try await api.service.pools.createTerms(
                poolID: request.userPoolId,
                clientID: request.clientId,
                name: request.termsName,
                source: request.termsSource,
                enforcement: request.enforcement,
                links: links
            )
            return TermsResponse(terms: TermsType(terms))
        }
    }

    struct DescribeTerms: CognitoOperation {
        static let name = "DescribeTerms"
        static func run(_ request: TermsIDRequest, api: CognitoAPI) async throws(LocalPoolError) -> TermsResponse {
            TermsResponse(terms: TermsType(try await api.service.pools.terms(poolID: request.userPoolId, id: request.termsId)))
        }
    }

    struct UpdateTerms: CognitoOperation {
        struct Request: Decodable, Sendable {
            var termsId: String
            var userPoolId: String
            var termsName: String?
            var termsSource: String?
            var enforcement: String?
            var links: [String: String]?
        }
        static let name = "UpdateTerms"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> TermsResponse {
            let terms = try await api.service.pools.updateTerms(
                poolID: request.userPoolId,
                id: request.termsId,
                name: request.termsName,
                source: request.termsSource,
                enforcement: request.enforcement,
                links: request.links
            )
            return TermsResponse(terms: TermsType(terms))
        }
    }

    struct DeleteTerms: CognitoOperation {
        static let name = "DeleteTerms"
        static func run(_ request: TermsIDRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.deleteTerms(poolID: request.userPoolId, id: request.termsId)
            return EmptyShape()
        }
    }

    struct ListTerms: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var maxResults: Int?
            var nextToken: String?
        }
        /// `TermsDescriptionType`.
        struct Description: Encodable, Sendable {
            var termsId: String
            var termsName: String
            var enforcement: String
            var creationDate: Double
            var lastModifiedDate: Double
        }
        struct Response: Encodable, Sendable {
            var terms: [Description]
            var nextToken: String?
        }
        static let name = "ListTerms"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let maximum = try Validate.within(request.maxResults, 1...60, "maxResults") ?? 60
            let all = try await api.service.pools.termsList(poolID: request.userPoolId)
            let (page, next) = IndexPages.page(all, token: request.nextToken, maximum: maximum)
            return Response(
                terms: page.map {
                    Description(
                        termsId: $0.termsId,
                        termsName: $0.termsName,
                        enforcement: $0.enforcement,
                        creationDate: $0.createdAt,
                        lastModifiedDate: $0.updatedAt
                    )
                },
                nextToken: next
            )
        }
    }
}
