/// What the sign-in calls take, and who calls them.
extension AuthOperations {
    struct InitiateRequest: Decodable, Sendable {
        var userPoolId: String?
        var clientId: String
        var authFlow: String
        var authParameters: [String: String]?
        var clientMetadata: [String: String]?
        var contextData: ContextDataShape?
        var userContextData: ContextDataShape?
    }

    struct RespondRequest: Decodable, Sendable {
        var userPoolId: String?
        var clientId: String
        var challengeName: String
        var session: String?
        var challengeResponses: [String: String]?
        var clientMetadata: [String: String]?
        var contextData: ContextDataShape?
        var userContextData: ContextDataShape?
    }

    /// Who calls: an app (InitiateAuth, RespondToAuthChallenge) or an admin with IAM credentials
    /// (the `Admin…` twins, which name the pool and allow the admin password flow).
    enum Caller {
        case app, admin

        /// The pool the admin names (which the client must be of); nil for an app.
        func poolID(_ userPoolId: String?) throws(LocalPoolError) -> String? {
            self == .admin ? try Validate.nonEmpty(userPoolId ?? "", "userPoolId") : nil
        }
    }
}
