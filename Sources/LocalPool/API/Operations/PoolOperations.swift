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
            var signInPolicy: SignInPolicyType?

            /// `AllowedFirstAuthFactors` checked (nil: left out).
            func firstAuthFactors() throws(LocalPoolError) -> [AuthFactor]? {
                try signInPolicy?.allowedFirstAuthFactors.map { names throws(LocalPoolError) in try AuthFactor.checked(names) }
            }
        }
        /// `SignInPolicyType`.
        struct SignInPolicyType: Codable, Sendable {
            var allowedFirstAuthFactors: [String]?
        }
        /// `DeviceConfigurationType`.
        struct DeviceConfiguration: Codable, Sendable {
            var challengeRequiredOnNewDevice: Bool?
            var deviceOnlyRememberedOnUserPrompt: Bool?

            init(_ settings: DeviceSettings) {
                challengeRequiredOnNewDevice = settings.challengeRequiredOnNewDevice
                deviceOnlyRememberedOnUserPrompt = settings.deviceOnlyRememberedOnUserPrompt
            }

            var settings: DeviceSettings {
                DeviceSettings(
                    challengeRequiredOnNewDevice: challengeRequiredOnNewDevice ?? false,
                    deviceOnlyRememberedOnUserPrompt: deviceOnlyRememberedOnUserPrompt ?? false
                )
            }
        }
        struct AdminCreateUserConfig: Codable, Sendable {
            var allowAdminCreateUserOnly: Bool?
        }
        /// `UserPoolAddOnsType`: threat protection.
        struct UserPoolAddOns: Codable, Sendable {
            var advancedSecurityMode: String
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
        var userPoolTags: [String: String]?
        var domain: String?
        var customDomain: String?
        var schemaAttributes: [SchemaAttributeType]
        var userPoolAddOns: UserPoolAddOns
        var lambdaConfig: LambdaTriggers?
        var deviceConfiguration: DeviceConfiguration?

        init(_ pool: PoolRecord, region: String, domains: [UserPoolDomainRecord] = []) {
            id = pool.id
            name = pool.name
            arn = "arn:aws:cognito-idp:\(region):000000000000:userpool/\(pool.id)"
            creationDate = pool.createdAt
            lastModifiedDate = pool.updatedAt
            adminCreateUserConfig = AdminCreateUserConfig(allowAdminCreateUserOnly: pool.allowAdminCreateUserOnly)
            mfaConfiguration = pool.mfaConfiguration.rawValue
            policies = Policies(
                passwordPolicy: PasswordPolicyType(pool.effectivePasswordPolicy),
                signInPolicy: SignInPolicyType(allowedFirstAuthFactors: pool.firstAuthFactors.map(\.rawValue))
            )
            deviceConfiguration = pool.deviceConfiguration.map(DeviceConfiguration.init)
            userPoolTags = pool.tags
            domain = domains.first { !$0.isCustom }?.domain
            customDomain = domains.first(where: \.isCustom)?.domain
            schemaAttributes = PoolSchema(pool.schema).attributes.map(SchemaAttributeType.init)
            userPoolAddOns = UserPoolAddOns(advancedSecurityMode: pool.advancedSecurityMode ?? "OFF")
            lambdaConfig = pool.lambdaConfig
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
            var userPoolTags: [String: String]?
            var schema: [SchemaAttributeType]?
            var userPoolAddOns: UserPoolType.UserPoolAddOns?
            var lambdaConfig: LambdaTriggers?
            var deviceConfiguration: UserPoolType.DeviceConfiguration?
        }
        static let name = "CreateUserPool"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> PoolResponse {
            let pool = try await api.service.pools.createPool(
                name: try Validate.nonEmpty(request.poolName, "poolName"),
                region: api.region,
                allowAdminCreateUserOnly: request.adminCreateUserConfig?.allowAdminCreateUserOnly ?? false,
                passwordPolicy: try request.policies?.passwordPolicy?.policy(),
                tags: request.userPoolTags,
                schema: try SchemaAttributeType.attributes(request.schema, member: "schema", limit: 50),
                advancedSecurityMode: request.userPoolAddOns?.advancedSecurityMode,
                lambdaConfig: request.lambdaConfig,
                firstAuthFactors: try request.policies?.firstAuthFactors(),
                deviceConfiguration: request.deviceConfiguration?.settings
            )
            return PoolResponse(userPool: UserPoolType(pool, region: api.region))
        }
    }

    struct DescribeUserPool: CognitoOperation {
        static let name = "DescribeUserPool"
        static func run(_ request: PoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> PoolResponse {
            let pools = api.service.pools
            let pool = try await pools.pool(request.userPoolId)
            return PoolResponse(userPool: UserPoolType(pool, region: api.region, domains: try await pools.domains(poolID: pool.id)))
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
            return Response(userPools: try await api.service.pools.pools().prefix(maximum).map { UserPoolType($0, region: api.region) })
        }
    }

    struct DeleteUserPool: CognitoOperation {
        static let name = "DeleteUserPool"
        static func run(_ request: PoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.deletePool(request.userPoolId)
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
        var userPoolTags: [String: String]?
        var userPoolAddOns: PoolOperations.UserPoolType.UserPoolAddOns?
        var lambdaConfig: LambdaTriggers?
        var deviceConfiguration: PoolOperations.UserPoolType.DeviceConfiguration?
    }
    static let name = "UpdateUserPool"
    static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
        _ = try await api.service.pools.updatePool(
            request.userPoolId,
            allowAdminCreateUserOnly: request.adminCreateUserConfig?.allowAdminCreateUserOnly ?? false,
            passwordPolicy: try request.policies?.passwordPolicy?.policy(),
            tags: request.userPoolTags,
            advancedSecurityMode: request.userPoolAddOns?.advancedSecurityMode,
            lambdaConfig: request.lambdaConfig,
            firstAuthFactors: try request.policies?.firstAuthFactors(),
            deviceConfiguration: request.deviceConfiguration?.settings
        )
        return EmptyShape()
    }
}
