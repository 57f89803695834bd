import Foundation
public import Logging

/// The cognito-idp JSON 1.1 API subset apps and SDKs use: `POST /` with
/// `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`.
public struct CognitoAPI: Sendable {
    /// The `X-Amz-Target` prefix.
    public static let targetPrefix = "AWSCognitoIdentityProviderService."

    /// Operations Cognito serves without IAM signatures (the caller proves itself with a
    /// password, a token or a code instead); every other operation is an admin call.
    public static let unauthenticatedOperations: Set<String> = [
        "InitiateAuth", "RespondToAuthChallenge", "GetUser", "GlobalSignOut", "RevokeToken", "SignUp", "ConfirmSignUp",
        "ResendConfirmationCode", "ForgotPassword", "ConfirmForgotPassword", "ChangePassword", "UpdateUserAttributes",
        "DeleteUser", "DeleteUserAttributes", "VerifyUserAttribute", "GetUserAttributeVerificationCode",
        "AssociateSoftwareToken", "VerifySoftwareToken", "SetUserMFAPreference", "GetTokensFromRefreshToken",
        "ConfirmDevice", "ForgetDevice", "GetDevice", "ListDevices", "UpdateDeviceStatus",
    ]

    /// Whether `target` (an `X-Amz-Target` value) names an admin call, which needs a signature
    /// when the pool checks them; unknown and malformed targets count as admin calls.
    public static func isAdminCall(target: String?) -> Bool {
        guard let target, target.hasPrefix(targetPrefix) else { return true }
        return !unauthenticatedOperations.contains(String(target.dropFirst(targetPrefix.count)))
    }
    public let service: LocalPoolService
    let region: String

    /// The operations with typed shapes, by name; the others are still in `run`'s switch.
    static let handlers: [String: OperationHandler] = UserOperations.handlers
        .merging(AuthOperations.handlers) { first, _ in first }
        .merging(GroupOperations.handlers) { first, _ in first }
        .merging(AccountOperations.handlers) { first, _ in first }
        .merging(MFAOperations.handlers) { first, _ in first }
        .merging([UpdateUserPool.name: UpdateUserPool.handler, GetTokensFromRefreshToken.name: GetTokensFromRefreshToken.handler]) {
            first,
            _ in first
        }

    /// The API over `service`.
    public init(service: LocalPoolService, region: String = "us-east-1") {
        self.service = service
        self.region = region
    }

    /// A response: status, and the JSON body.
    public struct Reply: Sendable {
        public let status: Int
        public let body: [UInt8]
        /// Set on errors: the exception name (for `x-amzn-ErrorType`) and message.
        public let error: LocalPoolError?
    }

    /// Runs the operation named by `target` with JSON `body`.
    public func handle(target: String?, body: [UInt8], logger: Logger) async -> Reply {
        guard let target, target.hasPrefix(Self.targetPrefix) else {
            return reply(LocalPoolError("UnknownOperationException", "Missing or unknown X-Amz-Target"))
        }
        let operation = String(target.dropFirst(Self.targetPrefix.count))
        do {
            // Parsed untyped first in any case: a JSON object, with no NUL in it.
            let request = try APIRequest(body)
            if let handler = Self.handlers[operation] {
                return Reply(status: 200, body: try await handler.run(self, body), error: nil)
            }
            let result = try await run(operation, request)
            let data = (try? JSONSerialization.data(withJSONObject: result)) ?? Data("{}".utf8)
            return Reply(status: 200, body: Array(data), error: nil)
        } catch {
            if error.status >= 500 {
                logger.error("gatehouse.pool.api_error", metadata: ["aws.operation": "\(operation)", "gatehouse.error": "\(error)"])
            } else {
                logger.info("gatehouse.pool.api_rejected", metadata: ["aws.operation": "\(operation)", "aws.error": "\(error.type)"])
            }
            return reply(error)
        }
    }

    /// The error reply for `error` (5xx messages are replaced, others capped).
    func reply(_ error: LocalPoolError) -> Reply {
        // Messages may quote input: cap what goes back (in the body and in x-amzn-ErrorMessage).
        let message = error.status >= 500 ? "Internal server error" : Self.capped(error.message)
        let body = (try? JSONSerialization.data(withJSONObject: ["__type": error.type, "message": message])) ?? Data()
        return Reply(status: error.status, body: Array(body), error: LocalPoolError(error.type, message, status: error.status))
    }

    /// At most 512 characters of `message`.
    static func capped(_ message: String) -> String {
        message.count <= 512 ? message : String(message.prefix(509)) + "..."
    }

    private func run(_ operation: String, _ request: APIRequest) async throws(LocalPoolError) -> [String: Any] {
        switch operation {
        case "CreateUserPool":
            let adminOnly = (request.body["AdminCreateUserConfig"] as? [String: Any])?["AllowAdminCreateUserOnly"] as? Bool ?? false
            let pool = try await service.createPool(name: try request.string("PoolName"), region: region, allowAdminCreateUserOnly: adminOnly)
            return ["UserPool": APIShapes.pool(pool, region: region)]
        case "DescribeUserPool":
            return await ["UserPool": APIShapes.pool(try service.pool(try request.string("UserPoolId")), region: region)]
        case "ListUserPools":
            let maximum = try request.int("MaxResults", in: 1...60) ?? 60
            return await ["UserPools": try service.pools().prefix(maximum).map { APIShapes.pool($0, region: region) }]
        case "CreateUserPoolClient":
            return await ["UserPoolClient": APIShapes.client(try createClient(request))]
        case "UpdateUserPoolClient":
            let client = try await service.updateClient(
                try request.string("ClientId"),
                poolID: try request.string("UserPoolId"),
                name: request.optionalString("ClientName"),
                settings: try clientSettings(request)
            )
            return ["UserPoolClient": APIShapes.client(client)]
        case "DeleteUserPoolClient":
            try await service.deleteClient(try request.string("ClientId"), poolID: try request.string("UserPoolId"))
            return [:]
        case "DeleteUserPool":
            try await service.deletePool(try request.string("UserPoolId"))
            return [:]
        case "DescribeUserPoolClient":
            let client = try await service.client(try request.string("ClientId"), poolID: try request.string("UserPoolId"))
            return ["UserPoolClient": APIShapes.client(client)]
        case "ListUserPoolClients":
            let clients = try await service.clients(poolID: try request.string("UserPoolId"))
            return ["UserPoolClients": clients.map { ["ClientId": $0.id, "ClientName": $0.name, "UserPoolId": $0.poolId] }]
        default:
            throw LocalPoolError("UnknownOperationException", "\(operation) is not supported by the local pool")
        }
    }

    private func createClient(_ request: APIRequest) async throws(LocalPoolError) -> ClientRecord {
        try await service.createClient(
            poolID: try request.string("UserPoolId"),
            name: try request.string("ClientName"),
            generateSecret: request.bool("GenerateSecret") ?? false,
            settings: try clientSettings(request)
        )
    }

    /// A client's settings from a Create- or UpdateUserPoolClient request: what it leaves out
    /// is Cognito's default (so an update without a field resets it, as Cognito's does).
    private func clientSettings(_ request: APIRequest) throws(LocalPoolError) -> ClientSettings {
        var settings = ClientSettings.defaults
        if let flows = request.stringList("ExplicitAuthFlows") { settings.explicitAuthFlows = flows }
        if let flows = request.stringList("AllowedOAuthFlows") { settings.allowedOAuthFlows = flows }
        if let scopes = request.stringList("AllowedOAuthScopes") { settings.allowedOAuthScopes = scopes }
        if let urls = request.stringList("CallbackURLs") { settings.callbackURLs = urls }
        if let urls = request.stringList("LogoutURLs") { settings.logoutURLs = urls }
        if let read = request.stringList("ReadAttributes") { settings.readAttributes = read }
        if let prevent = request.optionalString("PreventUserExistenceErrors") { settings.preventUserExistenceErrors = prevent == "ENABLED" }
        if let revocation = request.bool("EnableTokenRevocation") { settings.enableTokenRevocation = revocation }
        if let rotation = request.body["RefreshTokenRotation"] as? [String: Any] {
            guard let feature = rotation["Feature"] as? String, ["ENABLED", "DISABLED"].contains(feature) else {
                throw .invalidParameter("RefreshTokenRotation.Feature must be ENABLED or DISABLED")
            }
            let grace = try APIRequest(object: rotation).int("RetryGracePeriodSeconds", in: 0...60) ?? 0
            settings.refreshTokenRotation = .init(enabled: feature == "ENABLED", retryGracePeriodSeconds: grace)
        }
        let units = request.stringMap("TokenValidityUnits")
        /// A validity in seconds: the number checked against Cognito's range for its field, then
        /// the product with its unit against the lifetime's range.
        func seconds(
            _ key: String,
            unitKey: String,
            defaultUnit: String,
            field: ClosedRange<Int>,
            lifetime: ClosedRange<Int>
        )
            throws(LocalPoolError) -> Double?
        {
            guard let value = try request.int(key, in: field) else { return nil }
            let multiplier: Int
            switch units[unitKey] ?? defaultUnit {
            case "seconds": multiplier = 1
            case "minutes": multiplier = 60
            case "hours": multiplier = 3600
            case "days": multiplier = 86400
            default: throw .invalidParameter("TokenValidityUnits.\(unitKey) must be seconds, minutes, hours or days")
            }
            // Both factors are bounded by the field ranges: no overflow.
            let seconds = value * multiplier
            guard lifetime.contains(seconds) else {
                throw .invalidParameter(
                    "\(key) must be between \(lifetime.lowerBound) and \(lifetime.upperBound) seconds (with its unit)"
                )
            }
            return Double(seconds)
        }
        // Cognito's field ranges, default units and the lifetimes they may give; 0 keeps the
        // default (only the refresh token's field allows it, as in Cognito).
        let validities: [(String, String, String, ClosedRange<Int>, ClosedRange<Int>, WritableKeyPath<ClientSettings, Double>)] = [
            ("AccessTokenValidity", "AccessToken", "hours", 1...86_400, ClientSettings.accessTokenRange, \.accessTokenValidity),
            ("IdTokenValidity", "IdToken", "hours", 1...86_400, ClientSettings.idTokenRange, \.idTokenValidity),
            (
                "RefreshTokenValidity", "RefreshToken", "days", 0...315_360_000,
                0...ClientSettings.refreshTokenRange.upperBound, \.refreshTokenValidity
            ),
        ]
        for (key, unitKey, defaultUnit, field, lifetime, setting) in validities {
            if let value = try seconds(key, unitKey: unitKey, defaultUnit: defaultUnit, field: field, lifetime: lifetime), value > 0 {
                settings[keyPath: setting] = value
            }
        }
        return settings
    }
}
