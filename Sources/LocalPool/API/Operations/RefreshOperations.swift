/// GetTokensFromRefreshToken: a refresh that rotates the refresh token when the client says so.
struct GetTokensFromRefreshToken: CognitoOperation {
    struct Request: Decodable, Sendable {
        var refreshToken: String
        var clientId: String
        var clientSecret: String?
    }
    struct Response: Encodable, Sendable {
        struct Result: Encodable, Sendable {
            var accessToken: String
            var expiresIn: Int
            var tokenType = "Bearer"
            var refreshToken: String?
            var idToken: String?
        }
        var authenticationResult: Result
    }
    static let name = "GetTokensFromRefreshToken"
    static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
        let client = try await api.service.pools.client(request.clientId)
        try SecretHash.checkClientSecret(request.clientSecret, client: client)
        let outcome = try await api.service.tokens.refresh(client: client, refreshToken: request.refreshToken, caller: .authenticatedClient)
        guard case .tokens(let access, let id, let refresh, let expiresIn, _) = outcome else { throw .internalError("refresh") }
        return Response(authenticationResult: .init(accessToken: access, expiresIn: expiresIn, refreshToken: refresh, idToken: id))
    }
}
