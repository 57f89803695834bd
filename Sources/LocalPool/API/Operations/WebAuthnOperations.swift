import GatehouseCore

/// Passkeys, with the user's access token: StartWebAuthnRegistration,
/// CompleteWebAuthnRegistration, ListWebAuthnCredentials, DeleteWebAuthnCredential.
enum WebAuthnOperations {
    static let handlers: [String: OperationHandler] = [
        StartWebAuthnRegistration.name: StartWebAuthnRegistration.handler,
        CompleteWebAuthnRegistration.name: CompleteWebAuthnRegistration.handler,
        ListWebAuthnCredentials.name: ListWebAuthnCredentials.handler, DeleteWebAuthnCredential.name: DeleteWebAuthnCredential.handler,
    ]

    struct TokenRequest: Decodable, Sendable {
        var accessToken: String
    }

    struct StartWebAuthnRegistration: CognitoOperation {
        struct Response: Encodable, Sendable {
            var credentialCreationOptions: JSONValue
        }
        static let name = "StartWebAuthnRegistration"
        static func run(_ request: TokenRequest, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            return Response(credentialCreationOptions: try await api.service.passkeys.startRegistration(user: user))
        }
    }

    struct CompleteWebAuthnRegistration: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var credential: JSONValue
        }
        static let name = "CompleteWebAuthnRegistration"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            try await api.service.passkeys.completeRegistration(user: user, credential: request.credential)
            return EmptyShape()
        }
    }

    /// `WebAuthnCredentialDescription`.
    struct CredentialDescription: Encodable, Sendable {
        var credentialId: String
        var friendlyCredentialName: String
        var relyingPartyId: String
        var authenticatorAttachment: String?
        var authenticatorTransports: [String]
        var createdAt: Double

        init(_ record: WebAuthnCredentialRecord) {
            credentialId = record.id
            friendlyCredentialName = record.friendlyName ?? "Passkey"
            relyingPartyId = record.relyingPartyId
            authenticatorAttachment = record.attachment
            authenticatorTransports = record.transports ?? []
            createdAt = record.createdAt
        }
    }

    struct ListWebAuthnCredentials: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var nextToken: String?
            var maxResults: Int?
        }
        struct Response: Encodable, Sendable {
            var credentials: [CredentialDescription]
            var nextToken: String?
        }
        static let name = "ListWebAuthnCredentials"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            let maximum = try Validate.within(request.maxResults, 1...20, "maxResults") ?? 20
            let page = IndexPages.page(user.webAuthnCredentials ?? [], token: request.nextToken, maximum: maximum)
            return Response(credentials: page.items.map(CredentialDescription.init), nextToken: page.next)
        }
    }

    struct DeleteWebAuthnCredential: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var credentialId: String
        }
        static let name = "DeleteWebAuthnCredential"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            try await api.service.passkeys.delete(user: user, credentialID: request.credentialId)
            return EmptyShape()
        }
    }
}
