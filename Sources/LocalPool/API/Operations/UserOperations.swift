/// Users: AdminCreateUser, AdminGetUser, AdminSetUserPassword, AdminUpdateUserAttributes,
/// AdminDeleteUser, AdminDisableUser, AdminEnableUser, AdminUserGlobalSignOut, ListUsers, and with
/// the access token GetUser and GlobalSignOut; RevokeToken.
enum UserOperations {
    static let handlers: [String: OperationHandler] = [
        AdminCreateUser.name: AdminCreateUser.handler, AdminGetUser.name: AdminGetUser.handler,
        AdminSetUserPassword.name: AdminSetUserPassword.handler, AdminUpdateUserAttributes.name: AdminUpdateUserAttributes.handler,
        AdminDeleteUser.name: AdminDeleteUser.handler, AdminDisableUser.name: AdminDisableUser.handler,
        AdminEnableUser.name: AdminEnableUser.handler, AdminUserGlobalSignOut.name: AdminUserGlobalSignOut.handler,
        ListUsers.name: ListUsers.handler, GetUser.name: GetUser.handler, GlobalSignOut.name: GlobalSignOut.handler,
        RevokeToken.name: RevokeToken.handler,
    ]

    /// A user as AdminGetUser and GetUser describe them (attributes under `UserAttributes`).
    struct UserDetails: Encodable, Sendable {
        var username: String
        var userAttributes: [AttributeType]
        var userCreateDate: Double?
        var userLastModifiedDate: Double?
        var enabled: Bool?
        var userStatus: String?
        var mfaOptions: [MFAOption]
        var userMFASettingList: [String]
        var preferredMfaSetting: String?

        enum CodingKeys: String, CodingKey {
            case username, userAttributes, userCreateDate, userLastModifiedDate, enabled, userStatus, preferredMfaSetting
            case mfaOptions = "mFAOptions"
            case userMFASettingList = "userMFASettingList"
        }

        /// AdminGetUser's shape; GetUser's (`admin: false`) leaves out dates, status and
        /// enablement, and the attributes the app client may not read.
        init(_ user: UserRecord, admin: Bool, readable: Set<String>? = nil) {
            username = user.username
            userAttributes = AttributeType.list(user.allAttributes.filter { readable?.contains($0.name) ?? true })
            if admin {
                userCreateDate = user.createdAt
                userLastModifiedDate = user.updatedAt
                enabled = user.enabled
                userStatus = user.status.rawValue
            }
            mfaOptions = user.mfaOptions ?? []
            let totp = user.totpEnabled && user.totpSecret != nil
            userMFASettingList = totp ? ["SOFTWARE_TOKEN_MFA"] : []
            preferredMfaSetting = totp ? "SOFTWARE_TOKEN_MFA" : nil
        }
    }

    struct AdminCreateUser: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var userAttributes: [AttributeType]?
            var temporaryPassword: String?
            var messageAction: String?
            var validationData: [AttributeType]?
            var clientMetadata: [String: String]?
        }
        struct Response: Encodable, Sendable {
            var user: UserType
        }
        static let name = "AdminCreateUser"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let user = try await api.service.users.adminCreateUser(
                poolID: request.userPoolId,
                username: request.username,
                attributes: AccountOperations.attributes(request.userAttributes),
                temporaryPassword: request.temporaryPassword.flatMap { $0.isEmpty ? nil : $0 },
                messageAction: request.messageAction,
                validationData: AccountOperations.pairs(request.validationData),
                clientMetadata: request.clientMetadata
            )
            return Response(user: UserType(user))
        }
    }

    struct AdminGetUser: CognitoOperation {
        static let name = "AdminGetUser"
        static func run(_ request: UserInPoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> UserDetails {
            await UserDetails(try api.service.users.user(poolID: request.userPoolId, username: request.username), admin: true)
        }
    }

    struct AdminSetUserPassword: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var password: String
            var permanent: Bool?
        }
        static let name = "AdminSetUserPassword"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.users.setPassword(
                poolID: request.userPoolId,
                username: request.username,
                password: request.password,
                permanent: request.permanent ?? false
            )
            return EmptyShape()
        }
    }

    struct AdminUpdateUserAttributes: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var userAttributes: [AttributeType]
        }
        static let name = "AdminUpdateUserAttributes"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.users.updateAttributes(
                poolID: request.userPoolId,
                username: request.username,
                attributes: AccountOperations.attributes(request.userAttributes)
            )
            return EmptyShape()
        }
    }

    struct AdminDeleteUser: CognitoOperation {
        static let name = "AdminDeleteUser"
        static func run(_ request: UserInPoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.users.deleteUser(poolID: request.userPoolId, username: request.username)
            return EmptyShape()
        }
    }

    struct AdminDisableUser: CognitoOperation {
        static let name = "AdminDisableUser"
        static func run(_ request: UserInPoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.users.setEnabled(poolID: request.userPoolId, username: request.username, enabled: false)
            return EmptyShape()
        }
    }

    struct AdminEnableUser: CognitoOperation {
        static let name = "AdminEnableUser"
        static func run(_ request: UserInPoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.users.setEnabled(poolID: request.userPoolId, username: request.username, enabled: true)
            return EmptyShape()
        }
    }

    struct AdminUserGlobalSignOut: CognitoOperation {
        static let name = "AdminUserGlobalSignOut"
        static func run(_ request: UserInPoolRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.users.globalSignOut(poolID: request.userPoolId, username: request.username)
            return EmptyShape()
        }
    }

    struct ListUsers: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var limit: Int?
            var filter: String?
            var paginationToken: String?
        }
        struct Response: Encodable, Sendable {
            var users: [UserType]
            var paginationToken: String?
        }
        static let name = "ListUsers"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let page = try await api.service.users.listUsers(
                poolID: request.userPoolId,
                filter: request.filter,
                limit: try Validate.pageSize(request.limit),
                after: request.paginationToken.flatMap { $0.isEmpty ? nil : $0 }
            )
            return Response(users: page.users.map(UserType.init), paginationToken: page.next)
        }
    }

    struct GetUser: CognitoOperation {
        static let name = "GetUser"
        static func run(_ request: AccountOperations.AccessTokenRequest, api: CognitoAPI) async throws(LocalPoolError) -> UserDetails {
            let (user, client) = try await api.service.tokens.accountOfAccessToken(request.accessToken)
            let schema = PoolSchema(try await api.service.pools.pool(user.poolId).schema)
            return UserDetails(user, admin: false, readable: client.settings.readableAttributes(schema))
        }
    }

    struct GlobalSignOut: CognitoOperation {
        static let name = "GlobalSignOut"
        static func run(_ request: AccountOperations.AccessTokenRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            try await api.service.users.globalSignOut(poolID: user.poolId, username: user.username)
            return EmptyShape()
        }
    }

    struct RevokeToken: CognitoOperation {
        struct Request: Decodable, Sendable {
            var token: String
            var clientId: String
            var clientSecret: String?
        }
        static let name = "RevokeToken"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let client = try await api.service.pools.client(request.clientId)
            try SecretHash.checkClientSecret(request.clientSecret, client: client)
            try await api.service.tokens.revokeRefreshToken(request.token, client: client)
            return EmptyShape()
        }
    }
}
