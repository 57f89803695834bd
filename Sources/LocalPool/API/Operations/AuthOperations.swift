import Foundation

/// Signing in: InitiateAuth and AdminInitiateAuth (by `AuthFlow`), RespondToAuthChallenge and
/// AdminRespondToAuthChallenge (by `ChallengeName`).
enum AuthOperations {
    static let handlers: [String: OperationHandler] = [
        InitiateAuth.name: InitiateAuth.handler, AdminInitiateAuth.name: AdminInitiateAuth.handler,
        RespondToAuthChallenge.name: RespondToAuthChallenge.handler, AdminRespondToAuthChallenge.name: AdminRespondToAuthChallenge.handler,
    ]

    /// What both sign-in calls answer: tokens, or the next challenge.
    struct Outcome: Encodable, Sendable {
        struct Result: Encodable, Sendable {
            var accessToken: String
            var expiresIn: Int
            var tokenType = "Bearer"
            var refreshToken: String?
            var idToken: String?
        }
        var challengeName: String?
        var session: String?
        var challengeParameters: [String: String]
        var authenticationResult: Result?

        init(_ outcome: LocalPoolService.AuthOutcome) {
            switch outcome {
            case .tokens(let access, let id, let refresh, let expiresIn):
                challengeParameters = [:]
                authenticationResult = Result(accessToken: access, expiresIn: expiresIn, refreshToken: refresh, idToken: id)
            case .challenge(let name, let session, let parameters):
                challengeName = name.rawValue
                self.session = session
                challengeParameters = parameters
            case .newPasswordRequired(let session, let username, let attributes):
                // Cognito lists the user's attributes (not `sub`) as a JSON text.
                let visible = Dictionary(attributes.filter { $0.name != "sub" }.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
                let encoded =
                    (try? JSONSerialization.data(withJSONObject: visible, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
                    ?? "{}"
                challengeName = ChallengeName.newPasswordRequired.rawValue
                self.session = session
                challengeParameters = ["USER_ID_FOR_SRP": username, "requiredAttributes": "[]", "userAttributes": encoded]
            }
        }
    }

    struct InitiateRequest: Decodable, Sendable {
        var userPoolId: String?
        var clientId: String
        var authFlow: String
        var authParameters: [String: String]?
    }

    struct RespondRequest: Decodable, Sendable {
        var userPoolId: String?
        var clientId: String
        var challengeName: String
        var session: String?
        var challengeResponses: [String: String]?
    }

    static func initiate(_ request: InitiateRequest, admin: Bool, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
        let service = api.service
        let poolID = admin ? try Validate.nonEmpty(request.userPoolId ?? "", "userPoolId") : nil
        let client = try await service.client(request.clientId, poolID: poolID)
        let parameters = request.authParameters ?? [:]
        let operation = admin ? "AdminInitiateAuth" : "InitiateAuth"
        switch AuthFlow(rawValue: request.authFlow) {
        case .userPasswordAuth where !admin, .adminUserPasswordAuth where admin, .adminNoSRPAuth where admin:
            guard let username = parameters["USERNAME"], let password = parameters["PASSWORD"] else {
                throw .invalidParameter("Missing required parameter USERNAME or PASSWORD")
            }
            return Outcome(
                try await service.passwordAuth(
                    client: client,
                    username: username,
                    password: password,
                    secretHash: parameters["SECRET_HASH"],
                    admin: admin
                )
            )
        case .userSRPAuth:
            guard let username = parameters["USERNAME"], let srpA = parameters["SRP_A"] else {
                throw .invalidParameter("Missing required parameter USERNAME or SRP_A")
            }
            return Outcome(try await service.srpAuth(client: client, username: username, clientPublic: srpA, secretHash: parameters["SECRET_HASH"]))
        case .refreshTokenAuth, .refreshToken:
            guard let token = parameters["REFRESH_TOKEN"] else { throw .invalidParameter("Missing required parameter REFRESH_TOKEN") }
            return Outcome(try await service.refreshAuth(client: client, refreshToken: token, secretHash: parameters["SECRET_HASH"]))
        default:
            throw .invalidParameter("Unsupported AuthFlow \(request.authFlow) for \(operation)")
        }
    }

    static func respond(_ request: RespondRequest, admin: Bool, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
        let service = api.service
        let poolID = admin ? try Validate.nonEmpty(request.userPoolId ?? "", "userPoolId") : nil
        let client = try await service.client(request.clientId, poolID: poolID)
        let responses = request.challengeResponses ?? [:]
        func session() throws(LocalPoolError) -> String { try Validate.nonEmpty(request.session ?? "", "session") }
        switch ChallengeName(rawValue: request.challengeName) {
        case .passwordVerifier:
            return Outcome(try await service.respondToPasswordVerifier(client: client, responses: responses, session: request.session))
        case .softwareTokenMFA:
            guard let username = responses["USERNAME"], let code = responses["SOFTWARE_TOKEN_MFA_CODE"] else {
                throw .invalidParameter("Missing required parameter USERNAME or SOFTWARE_TOKEN_MFA_CODE")
            }
            return Outcome(
                try await service.respondToSoftwareTokenMFA(
                    client: client,
                    session: try session(),
                    username: username,
                    code: code,
                    secretHash: responses["SECRET_HASH"]
                )
            )
        case .mfaSetup:
            guard let username = responses["USERNAME"] else { throw .invalidParameter("Missing required parameter USERNAME") }
            return Outcome(
                try await service.respondToMFASetup(client: client, session: try session(), username: username, secretHash: responses["SECRET_HASH"])
            )
        case .newPasswordRequired:
            guard let username = responses["USERNAME"], let password = responses["NEW_PASSWORD"] else {
                throw .invalidParameter("Missing required parameter USERNAME or NEW_PASSWORD")
            }
            let attributes = responses.compactMap { key, value -> UserRecord.Attribute? in
                key.hasPrefix("userAttributes.") ? UserRecord.Attribute(name: String(key.dropFirst(15)), value: value) : nil
            }
            return Outcome(
                try await service.respondToNewPassword(
                    client: client,
                    session: try session(),
                    username: username,
                    newPassword: password,
                    attributes: attributes,
                    secretHash: responses["SECRET_HASH"]
                )
            )
        case nil:
            throw .invalidParameter(
                "The challenge \(request.challengeName) is not supported by the local pool "
                    + "(NEW_PASSWORD_REQUIRED, PASSWORD_VERIFIER, SOFTWARE_TOKEN_MFA and MFA_SETUP are)"
            )
        }
    }

    struct InitiateAuth: CognitoOperation {
        static let name = "InitiateAuth"
        static func run(_ request: InitiateRequest, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
            try await initiate(request, admin: false, api: api)
        }
    }

    struct AdminInitiateAuth: CognitoOperation {
        static let name = "AdminInitiateAuth"
        static func run(_ request: InitiateRequest, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
            try await initiate(request, admin: true, api: api)
        }
    }

    struct RespondToAuthChallenge: CognitoOperation {
        static let name = "RespondToAuthChallenge"
        static func run(_ request: RespondRequest, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
            try await respond(request, admin: false, api: api)
        }
    }

    struct AdminRespondToAuthChallenge: CognitoOperation {
        static let name = "AdminRespondToAuthChallenge"
        static func run(_ request: RespondRequest, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
            try await respond(request, admin: true, api: api)
        }
    }
}

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
        let client = try await api.service.client(request.clientId)
        try api.service.checkClientSecret(request.clientSecret, client: client)
        let outcome = try await api.service.refreshAuth(
            client: client,
            refreshToken: request.refreshToken,
            secretHash: nil,
            skipSecretHash: true,
            rotating: true
        )
        guard case .tokens(let access, let id, let refresh, let expiresIn) = outcome else { throw .internalError("refresh") }
        return Response(authenticationResult: .init(accessToken: access, expiresIn: expiresIn, refreshToken: refresh, idToken: id))
    }
}
