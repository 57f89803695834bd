/// Pools and app clients: CreateUserPool, DescribeUserPool, ListUserPools, DeleteUserPool,
/// CreateUserPoolClient, DescribeUserPoolClient, UpdateUserPoolClient, ListUserPoolClients,
/// DeleteUserPoolClient (UpdateUserPool is with the account operations).
enum PoolOperations {
    static let handlers: [String: OperationHandler] = [
        CreateUserPool.name: CreateUserPool.handler, DescribeUserPool.name: DescribeUserPool.handler,
        ListUserPools.name: ListUserPools.handler, DeleteUserPool.name: DeleteUserPool.handler,
        CreateUserPoolClient.name: CreateUserPoolClient.handler, DescribeUserPoolClient.name: DescribeUserPoolClient.handler,
        UpdateUserPoolClient.name: UpdateUserPoolClient.handler, ListUserPoolClients.name: ListUserPoolClients.handler,
        DeleteUserPoolClient.name: DeleteUserPoolClient.handler,
    ]

    /// `UserPoolType` (the parts the local pool has).
    struct UserPoolType: Encodable, Sendable {
        struct Policies: Codable, Sendable {
            var passwordPolicy: PasswordPolicyType?
        }
        struct AdminCreateUserConfig: Codable, Sendable {
            var allowAdminCreateUserOnly: Bool?
        }
        var id: String
        var name: String
        var arn: String
        var creationDate: Double
        var lastModifiedDate: Double
        var policies: Policies
        var adminCreateUserConfig: AdminCreateUserConfig
        var mfaConfiguration: String
        var estimatedNumberOfUsers = 0

        init(_ pool: PoolRecord, region: String) {
            id = pool.id
            name = pool.name
            arn = "arn:aws:cognito-idp:\(region):000000000000:userpool/\(pool.id)"
            creationDate = pool.createdAt
            lastModifiedDate = pool.updatedAt
            adminCreateUserConfig = AdminCreateUserConfig(allowAdminCreateUserOnly: pool.allowAdminCreateUserOnly)
            mfaConfiguration = pool.mfaConfiguration.rawValue
            policies = Policies(passwordPolicy: PasswordPolicyType(pool.effectivePasswordPolicy))
        }
    }

    /// `PasswordPolicyType`: members left out take Cognito's defaults; numbers must be in range.
    struct PasswordPolicyType: Codable, Sendable {
        var minimumLength: Int?
        var requireUppercase: Bool?
        var requireLowercase: Bool?
        var requireNumbers: Bool?
        var requireSymbols: Bool?
        var temporaryPasswordValidityDays: Int?

        init(_ policy: PasswordPolicy) {
            minimumLength = policy.minimumLength
            requireUppercase = policy.requireUppercase
            requireLowercase = policy.requireLowercase
            requireNumbers = policy.requireNumbers
            requireSymbols = policy.requireSymbols
            temporaryPasswordValidityDays = policy.temporaryPasswordValidityDays
        }

        /// The policy asked for, checked against Cognito's ranges.
        func policy() throws(LocalPoolError) -> PasswordPolicy {
            let defaults = PasswordPolicy.cognitoDefault
            let prefix = "policies.passwordPolicy."
            return PasswordPolicy(
                minimumLength: try Validate.within(minimumLength, PasswordPolicy.minimumLengthRange, prefix + "minimumLength")
                    ?? defaults.minimumLength,
                requireUppercase: requireUppercase ?? defaults.requireUppercase,
                requireLowercase: requireLowercase ?? defaults.requireLowercase,
                requireNumbers: requireNumbers ?? defaults.requireNumbers,
                requireSymbols: requireSymbols ?? defaults.requireSymbols,
                temporaryPasswordValidityDays: try Validate.within(
                    temporaryPasswordValidityDays,
                    PasswordPolicy.temporaryPasswordValidityRange,
                    prefix + "temporaryPasswordValidityDays"
                ) ?? defaults.temporaryPasswordValidityDays
            )
        }
    }

    /// `{"UserPool": …}`.
    struct PoolResponse: Encodable, Sendable {
        var userPool: UserPoolType
    }

    /// A pool by id.
    struct PoolRequest: Decodable, Sendable {
        var userPoolId: String
    }

    struct CreateUserPool: CognitoOperation {
        struct Request: Decodable, Sendable {
            var poolName: String
            var adminCreateUserConfig: UserPoolType.AdminCreateUserConfig?
            var policies: UserPoolType.Policies?
        }
        static let name = "CreateUserPool"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> PoolResponse {
            let pool = try await api.service.createPool(
                name: try Validate.nonEmpty(request.poolName, "poolName"),
                region: api.region,
                allowAdminCreateUserOnly: request.adminCreateUserConfig?.allowAdminCreateUserOnly ?? false,
                passwordPolicy: try request.policies?.passwordPolicy?.policy()
            )
            return PoolResponse(userPool: UserPoolType(pool, region: api.region))
        }
    }

    struct DescribeUserPool: CognitoOperation {
        static let name = "DescribeUserPool"
        static func run(_ request: PoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> PoolResponse {
            PoolResponse(userPool: UserPoolType(try await api.service.pool(request.userPoolId), region: api.region))
        }
    }

    struct ListUserPools: CognitoOperation {
        struct Request: Decodable, Sendable {
            var maxResults: Int?
        }
        struct Response: Encodable, Sendable {
            var userPools: [UserPoolType]
        }
        static let name = "ListUserPools"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let maximum = try Validate.within(request.maxResults, 1...60, "maxResults") ?? 60
            return Response(userPools: try await api.service.pools().prefix(maximum).map { UserPoolType($0, region: api.region) })
        }
    }

    struct DeleteUserPool: CognitoOperation {
        static let name = "DeleteUserPool"
        static func run(_ request: PoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.deletePool(request.userPoolId)
            return EmptyShape()
        }
    }

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
            let client = try await api.service.createClient(
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
            let client = try await api.service.updateClient(
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
            ClientResponse(userPoolClient: UserPoolClientType(try await api.service.client(request.clientId, poolID: request.userPoolId)))
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
            let clients = try await api.service.clients(poolID: request.userPoolId).sorted { $0.id < $1.id }
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
            try await api.service.deleteClient(request.clientId, poolID: request.userPoolId)
            return EmptyShape()
        }
    }
}

/// UpdateUserPool: what the request leaves out goes back to Cognito's default, as Cognito's does.
struct UpdateUserPool: CognitoOperation {
    struct Request: Decodable, Sendable {
        struct AdminCreateUserConfig: Decodable, Sendable {
            var allowAdminCreateUserOnly: Bool?
        }
        var userPoolId: String
        var adminCreateUserConfig: AdminCreateUserConfig?
        var policies: PoolOperations.UserPoolType.Policies?
    }
    static let name = "UpdateUserPool"
    static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
        _ = try await api.service.updatePool(
            request.userPoolId,
            allowAdminCreateUserOnly: request.adminCreateUserConfig?.allowAdminCreateUserOnly ?? false,
            passwordPolicy: try request.policies?.passwordPolicy?.policy()
        )
        return EmptyShape()
    }
}
