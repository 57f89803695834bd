/// Signing in: InitiateAuth and AdminInitiateAuth (by `AuthFlow`), RespondToAuthChallenge and
/// AdminRespondToAuthChallenge (by `ChallengeName`).
enum AuthOperations {
    static let handlers: [String: OperationHandler] = [
        InitiateAuth.name: InitiateAuth.handler, AdminInitiateAuth.name: AdminInitiateAuth.handler,
        RespondToAuthChallenge.name: RespondToAuthChallenge.handler, AdminRespondToAuthChallenge.name: AdminRespondToAuthChallenge.handler,
    ]

    static func initiate(_ request: InitiateRequest, caller: Caller, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
        let service = api.service
        let client = try await service.pools.client(request.clientId, poolID: try caller.poolID(request.userPoolId))
        let parameters = request.authParameters ?? [:]
        let operation = caller == .admin ? "AdminInitiateAuth" : "InitiateAuth"
        let address = address(caller: caller, contextData: request.contextData ?? request.userContextData, api: api)
        switch (AuthFlow(rawValue: request.authFlow), caller) {
        case (.userPasswordAuth, .app), (.adminUserPasswordAuth, .admin), (.adminNoSRPAuth, .admin):
            guard let username = parameters["USERNAME"], let password = parameters["PASSWORD"] else {
                throw .invalidParameter("Missing required parameter USERNAME or PASSWORD")
            }
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.signIn.passwordAuth(
                    client: client,
                    username: username,
                    password: password,
                    secretHash: parameters["SECRET_HASH"],
                    flow: caller == .admin ? .admin : .user,
                    validationData: request.clientMetadata,
                    deviceKey: parameters["DEVICE_KEY"]
                )
            }
        case (.userSRPAuth, _):
            guard let username = parameters["USERNAME"], let srpA = parameters["SRP_A"] else {
                throw .invalidParameter("Missing required parameter USERNAME or SRP_A")
            }
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.srp.srpAuth(
                    client: client,
                    username: username,
                    clientPublic: srpA,
                    secretHash: parameters["SECRET_HASH"],
                    validationData: request.clientMetadata,
                    deviceKey: parameters["DEVICE_KEY"]
                )
            }
        case (.customAuth, _):
            guard let username = parameters["USERNAME"] else { throw .invalidParameter("Missing required parameter USERNAME") }
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.customSignIn.start(
                    client: client,
                    username: username,
                    srpPublic: parameters["SRP_A"],
                    secretHash: parameters["SECRET_HASH"],
                    clientMetadata: request.clientMetadata
                )
            }
        case (.userAuth, _):
            let username = parameters["USERNAME"]
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.choiceSignIn.start(client: client, parameters: parameters, clientMetadata: request.clientMetadata)
            }
        case (.refreshTokenAuth, _), (.refreshToken, _):
            guard let token = parameters["REFRESH_TOKEN"] else { throw .invalidParameter("Missing required parameter REFRESH_TOKEN") }
            return Outcome(
                try await service.tokens.refresh(
                    client: client,
                    refreshToken: token,
                    caller: .initiateAuth(secretHash: parameters["SECRET_HASH"], deviceKey: parameters["DEVICE_KEY"])
                )
            )
        default:
            throw .invalidParameter("Unsupported AuthFlow \(request.authFlow) for \(operation)")
        }
    }

    static func respond(_ request: RespondRequest, caller: Caller, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
        let service = api.service
        let client = try await service.pools.client(request.clientId, poolID: try caller.poolID(request.userPoolId))
        let responses = request.challengeResponses ?? [:]
        func session() throws(LocalPoolError) -> String { try Validate.nonEmpty(request.session ?? "", "session") }
        let address = address(caller: caller, contextData: request.contextData ?? request.userContextData, api: api)
        let username = responses["USERNAME"]
        switch ChallengeName(rawValue: request.challengeName) {
        case .passwordVerifier:
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.customSignIn.respondToPasswordVerifier(
                    client: client,
                    responses: responses,
                    session: request.session,
                    clientMetadata: request.clientMetadata
                )
            }
        case .softwareTokenMFA:
            guard let username = responses["USERNAME"], let code = responses["SOFTWARE_TOKEN_MFA_CODE"] else {
                throw .invalidParameter("Missing required parameter USERNAME or SOFTWARE_TOKEN_MFA_CODE")
            }
            let session = try session()
            return try await watched(.mfa, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.mfa.respondToSoftwareTokenMFA(
                    client: client,
                    session: session,
                    username: username,
                    code: code,
                    secretHash: responses["SECRET_HASH"],
                    clientMetadata: request.clientMetadata
                )
            }
        case .mfaSetup:
            guard let username = responses["USERNAME"] else { throw .invalidParameter("Missing required parameter USERNAME") }
            let session = try session()
            return try await watched(.mfa, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.mfa.respondToMFASetup(
                    client: client,
                    session: session,
                    username: username,
                    secretHash: responses["SECRET_HASH"],
                    clientMetadata: request.clientMetadata
                )
            }
        case .newPasswordRequired:
            guard let username = responses["USERNAME"], let password = responses["NEW_PASSWORD"] else {
                throw .invalidParameter("Missing required parameter USERNAME or NEW_PASSWORD")
            }
            let attributes = responses.compactMap { key, value -> UserRecord.Attribute? in
                key.hasPrefix("userAttributes.") ? UserRecord.Attribute(name: String(key.dropFirst(15)), value: value) : nil
            }
            let session = try session()
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.signIn.respondToNewPassword(
                    client: client,
                    session: session,
                    username: username,
                    newPassword: password,
                    attributes: attributes,
                    secretHash: responses["SECRET_HASH"],
                    clientMetadata: request.clientMetadata
                )
            }
        case .customChallenge:
            guard let username = responses["USERNAME"], let answer = responses["ANSWER"] else {
                throw .invalidParameter("Missing required parameter USERNAME or ANSWER")
            }
            let session = try session()
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.customSignIn.respond(
                    client: client,
                    session: session,
                    username: username,
                    answer: answer,
                    secretHash: responses["SECRET_HASH"],
                    clientMetadata: request.clientMetadata
                )
            }
        case .deviceSRPAuth:
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.signIn.respondToDeviceSRP(client: client, session: request.session, responses: responses)
            }
        case .devicePasswordVerifier:
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.signIn.respondToDevicePasswordVerifier(
                    client: client,
                    session: request.session,
                    responses: responses,
                    clientMetadata: request.clientMetadata
                )
            }
        case .selectChallenge:
            let session = try session()
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.choiceSignIn.respondToSelection(
                    client: client,
                    session: session,
                    responses: responses,
                    clientMetadata: request.clientMetadata
                )
            }
        case .webAuthn:
            let session = try session()
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.choiceSignIn.respondToPasskey(
                    client: client,
                    session: session,
                    responses: responses,
                    clientMetadata: request.clientMetadata
                )
            }
        case .emailOTP, .smsOTP:
            let session = try session()
            return try await watched(.password, client: client, username: username, address: address, api: api) { () throws(LocalPoolError) in
                try await service.choiceSignIn.respondToCode(
                    ChallengeName(rawValue: request.challengeName) ?? .emailOTP,
                    client: client,
                    session: session,
                    responses: responses,
                    clientMetadata: request.clientMetadata
                )
            }
        case nil:
            throw .invalidParameter(
                "The challenge \(request.challengeName) is not supported by the local pool (NEW_PASSWORD_REQUIRED, PASSWORD_VERIFIER, "
                    + "SOFTWARE_TOKEN_MFA, MFA_SETUP, CUSTOM_CHALLENGE, SELECT_CHALLENGE, EMAIL_OTP, SMS_OTP, WEB_AUTHN, DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER are)"
            )
        }
    }

    struct InitiateAuth: CognitoOperation {
        static let name = "InitiateAuth"
        static func run(_ request: InitiateRequest, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
            try await initiate(request, caller: .app, api: api)
        }
    }

    struct AdminInitiateAuth: CognitoOperation {
        static let name = "AdminInitiateAuth"
        static func run(_ request: InitiateRequest, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
            try await initiate(request, caller: .admin, api: api)
        }
    }

    struct RespondToAuthChallenge: CognitoOperation {
        static let name = "RespondToAuthChallenge"
        static func run(_ request: RespondRequest, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
            try await respond(request, caller: .app, api: api)
        }
    }

    struct AdminRespondToAuthChallenge: CognitoOperation {
        static let name = "AdminRespondToAuthChallenge"
        static func run(_ request: RespondRequest, api: CognitoAPI) async throws(LocalPoolError) -> Outcome {
            try await respond(request, caller: .admin, api: api)
        }
    }
}
