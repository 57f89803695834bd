/// The legacy MFA settings: SetUserSettings (with the access token) and AdminSetUserSettings.
enum UserSettingsOperations {
    static let handlers: [String: OperationHandler] = [
        SetUserSettings.name: SetUserSettings.handler, AdminSetUserSettings.name: AdminSetUserSettings.handler,
    ]

    struct SetUserSettings: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var mFAOptions: [MFAOption]
        }
        static let name = "SetUserSettings"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            try await api.service.users.setMFAOptions(poolID: user.poolId, username: user.username, request.mFAOptions)
            return EmptyShape()
        }
    }

    struct AdminSetUserSettings: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var mFAOptions: [MFAOption]
        }
        static let name = "AdminSetUserSettings"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.users.setMFAOptions(poolID: request.userPoolId, username: request.username, request.mFAOptions)
            return EmptyShape()
        }
    }
}
