/// Provider identities of users: AdminLinkProviderForUser and AdminDisableProviderForUser.
enum LinkOperations {
    static let handlers: [String: OperationHandler] = [
        AdminLinkProviderForUser.name: AdminLinkProviderForUser.handler, AdminDisableProviderForUser.name: AdminDisableProviderForUser.handler,
    ]

    /// `ProviderUserIdentifierType`.
    struct ProviderUser: Decodable, Sendable {
        var providerName: String?
        var providerAttributeName: String?
        var providerAttributeValue: String?
    }

    struct AdminLinkProviderForUser: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var destinationUser: ProviderUser
            var sourceUser: ProviderUser
        }
        static let name = "AdminLinkProviderForUser"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            guard request.destinationUser.providerName?.lowercased() == "cognito", let username = request.destinationUser.providerAttributeValue
            else {
                throw .invalidParameter(
                    "DestinationUser must be a user of the pool: ProviderName Cognito and the username as ProviderAttributeValue."
                )
            }
            guard let provider = request.sourceUser.providerName, let subject = request.sourceUser.providerAttributeValue else {
                throw .invalidParameter("SourceUser must name the identity provider and the user's sub there.")
            }
            try await api.service.federation.link(
                poolID: request.userPoolId,
                username: username,
                provider: provider,
                attribute: request.sourceUser.providerAttributeName,
                subject: subject
            )
            return EmptyShape()
        }
    }

    struct AdminDisableProviderForUser: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var user: ProviderUser
        }
        static let name = "AdminDisableProviderForUser"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            guard let provider = request.user.providerName, let subject = request.user.providerAttributeValue else {
                throw .invalidParameter("User must name the identity provider and the user's sub there.")
            }
            try await api.service.federation.disable(
                poolID: request.userPoolId,
                provider: provider,
                attribute: request.user.providerAttributeName,
                subject: subject
            )
            return EmptyShape()
        }
    }
}
