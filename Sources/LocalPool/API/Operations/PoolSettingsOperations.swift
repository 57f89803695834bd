/// A pool's tags, log delivery, import header and signing certificate: TagResource, UntagResource,
/// ListTagsForResource, SetLogDeliveryConfiguration, GetLogDeliveryConfiguration, GetCSVHeader,
/// GetSigningCertificate.
enum PoolSettingsOperations {
    static let handlers: [String: OperationHandler] = [
        TagResource.name: TagResource.handler, UntagResource.name: UntagResource.handler,
        ListTagsForResource.name: ListTagsForResource.handler, SetLogDeliveryConfiguration.name: SetLogDeliveryConfiguration.handler,
        GetLogDeliveryConfiguration.name: GetLogDeliveryConfiguration.handler, GetCSVHeader.name: GetCSVHeader.handler,
        GetSigningCertificate.name: GetSigningCertificate.handler,
    ]

    struct GetSigningCertificate: CognitoOperation {
        struct Response: Encodable, Sendable {
            var certificate: String
        }
        static let name = "GetSigningCertificate"
        static func run(_ request: PoolOperations.PoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            Response(certificate: try await api.service.pools.signingCertificate(poolID: request.userPoolId))
        }
    }

    struct TagResource: CognitoOperation {
        struct Request: Decodable, Sendable {
            var resourceArn: String
            var tags: [String: String]
        }
        static let name = "TagResource"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.tag(arn: request.resourceArn, tags: request.tags)
            return EmptyShape()
        }
    }

    struct UntagResource: CognitoOperation {
        struct Request: Decodable, Sendable {
            var resourceArn: String
            var tagKeys: [String]
        }
        static let name = "UntagResource"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.untag(arn: request.resourceArn, keys: request.tagKeys)
            return EmptyShape()
        }
    }

    struct ListTagsForResource: CognitoOperation {
        struct Request: Decodable, Sendable {
            var resourceArn: String
        }
        struct Response: Encodable, Sendable {
            var tags: [String: String]
        }
        static let name = "ListTagsForResource"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            Response(tags: try await api.service.pools.pool(arn: request.resourceArn).tags ?? [:])
        }
    }

    /// `{"LogDeliveryConfiguration": {"UserPoolId", "LogConfigurations"}}`.
    struct LogDeliveryResponse: Encodable, Sendable {
        struct Configuration: Encodable, Sendable {
            var userPoolId: String
            var logConfigurations: [LogConfiguration]
        }
        var logDeliveryConfiguration: Configuration

        init(_ pool: PoolRecord) {
            logDeliveryConfiguration = Configuration(userPoolId: pool.id, logConfigurations: pool.logConfigurations ?? [])
        }
    }

    struct SetLogDeliveryConfiguration: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var logConfigurations: [LogConfiguration]
        }
        static let name = "SetLogDeliveryConfiguration"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> LogDeliveryResponse {
            LogDeliveryResponse(try await api.service.pools.setLogConfigurations(poolID: request.userPoolId, request.logConfigurations))
        }
    }

    struct GetLogDeliveryConfiguration: CognitoOperation {
        static let name = "GetLogDeliveryConfiguration"
        static func run(_ request: PoolOperations.PoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> LogDeliveryResponse {
            LogDeliveryResponse(try await api.service.pools.pool(request.userPoolId))
        }
    }

    struct GetCSVHeader: CognitoOperation {
        struct Response: Encodable, Sendable {
            var userPoolId: String
            var cSVHeader: [String]
        }
        static let name = "GetCSVHeader"
        static func run(_ request: PoolOperations.PoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let pool = try await api.service.pools.pool(request.userPoolId)
            // Cognito lists the pool's custom attributes after the standard columns.
            return Response(userPoolId: pool.id, cSVHeader: PoolAdministration.csvHeader + PoolSchema(pool.schema).custom.map(\.name))
        }
    }
}
