/// A user's sign-in factors: GetUserAuthFactors (with the user's access token).
enum FactorOperations {
    static let handlers: [String: OperationHandler] = [GetUserAuthFactors.name: GetUserAuthFactors.handler]

    struct GetUserAuthFactors: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
        }
        struct Response: Encodable, Sendable {
            var username: String
            var preferredMfaSetting: String?
            var userMFASettingList: [String]
            var configuredUserAuthFactors: [String]

            enum CodingKeys: String, CodingKey {
                case username, preferredMfaSetting, configuredUserAuthFactors
                case userMFASettingList = "userMFASettingList"
            }
        }
        static let name = "GetUserAuthFactors"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            let pool = try await api.service.pools.pool(user.poolId)
            let totp = user.totpEnabled && user.totpSecret != nil
            return Response(
                username: user.username,
                preferredMfaSetting: totp ? "SOFTWARE_TOKEN_MFA" : nil,
                userMFASettingList: totp ? ["SOFTWARE_TOKEN_MFA"] : [],
                configuredUserAuthFactors: ChoiceSignIn.configuredFactors(of: user, pool: pool)
            )
        }
    }
}
