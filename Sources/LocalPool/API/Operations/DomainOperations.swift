/// User pool domains: CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain,
/// DeleteUserPoolDomain.
enum DomainOperations {
    static let handlers: [String: OperationHandler] = [
        CreateUserPoolDomain.name: CreateUserPoolDomain.handler, DescribeUserPoolDomain.name: DescribeUserPoolDomain.handler,
        UpdateUserPoolDomain.name: UpdateUserPoolDomain.handler, DeleteUserPoolDomain.name: DeleteUserPoolDomain.handler,
    ]

    /// `CustomDomainConfigType`.
    struct CustomDomainConfig: Codable, Sendable {
        var certificateArn: String
    }

    /// Create- and UpdateUserPoolDomain's request.
    struct DomainRequest: Decodable, Sendable {
        var domain: String
        var userPoolId: String
        var managedLoginVersion: Int?
        var customDomainConfig: CustomDomainConfig?
    }

    /// Their answer: the CloudFront name for a custom domain.
    struct DomainResponse: Encodable, Sendable {
        var managedLoginVersion: Int
        var cloudFrontDomain: String?

        init(_ domain: UserPoolDomainRecord) {
            managedLoginVersion = domain.managedLoginVersion
            cloudFrontDomain = domain.isCustom ? domain.cloudFrontDomain : nil
        }
    }

    struct CreateUserPoolDomain: CognitoOperation {
        static let name = "CreateUserPoolDomain"
        static func run(_ request: DomainRequest, api: CognitoAPI) async throws(LocalPoolError) -> DomainResponse {
            DomainResponse(
                try await api.service.pools.createDomain(
                    poolID: request.userPoolId,
                    domain: request.domain,
                    certificateArn: request.customDomainConfig?.certificateArn,
                    managedLoginVersion: request.managedLoginVersion
                )
            )
        }
    }

    struct UpdateUserPoolDomain: CognitoOperation {
        static let name = "UpdateUserPoolDomain"
        static func run(_ request: DomainRequest, api: CognitoAPI) async throws(LocalPoolError) -> DomainResponse {
            DomainResponse(
                try await api.service.pools.updateDomain(
                    poolID: request.userPoolId,
                    domain: request.domain,
                    certificateArn: request.customDomainConfig?.certificateArn,
                    managedLoginVersion: request.managedLoginVersion
                )
            )
        }
    }

    struct DescribeUserPoolDomain: CognitoOperation {
        struct Request: Decodable, Sendable {
            var domain: String
        }
        /// `DomainDescriptionType`: every member nil for a domain that does not exist.
        struct Description: Encodable, Sendable {
            var userPoolId: String?
            var aWSAccountId: String?
            var domain: String?
            var s3Bucket: String?
            var cloudFrontDistribution: String?
            var version: String?
            var status: String?
            var customDomainConfig: CustomDomainConfig?
            var managedLoginVersion: Int?
        }
        struct Response: Encodable, Sendable {
            var domainDescription: Description
        }
        static let name = "DescribeUserPoolDomain"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            guard let found = try await api.service.pools.domain(named: request.domain) else { return Response(domainDescription: Description()) }
            return Response(
                domainDescription: Description(
                    userPoolId: found.poolId,
                    aWSAccountId: "000000000000",
                    domain: found.domain,
                    s3Bucket: "aws-cognito-prod-\(api.region)-assets",
                    cloudFrontDistribution: found.cloudFrontDomain,
                    version: "20250101",
                    status: "ACTIVE",
                    customDomainConfig: found.certificateArn.map(CustomDomainConfig.init),
                    managedLoginVersion: found.managedLoginVersion
                )
            )
        }
    }

    struct DeleteUserPoolDomain: CognitoOperation {
        struct Request: Decodable, Sendable {
            var domain: String
            var userPoolId: String
        }
        static let name = "DeleteUserPoolDomain"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.deleteDomain(poolID: request.userPoolId, domain: request.domain)
            return EmptyShape()
        }
    }
}
