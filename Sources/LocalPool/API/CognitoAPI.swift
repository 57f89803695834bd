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
        "AssociateSoftwareToken", "VerifySoftwareToken", "SetUserMFAPreference", "SetUserSettings", "GetTokensFromRefreshToken",
        "ConfirmDevice", "ForgetDevice", "GetDevice", "ListDevices", "UpdateDeviceStatus", "UpdateAuthEventFeedback",
    ]

    /// Whether `target` (an `X-Amz-Target` value) names an admin call, which needs a signature
    /// when the pool checks them; unknown and malformed targets count as admin calls.
    public static func isAdminCall(target: String?) -> Bool {
        guard let target, target.hasPrefix(targetPrefix) else { return true }
        return !unauthenticatedOperations.contains(String(target.dropFirst(targetPrefix.count)))
    }
    /// The pool's service the operations run on.
    public let service: LocalPoolService
    let region: String
    /// The address of the caller of the operation running (set per call by ``handle(target:body:logger:callerAddress:)``).
    private(set) var callerAddress: String?

    /// The operations, by name: each with its typed shapes.
    static let handlers: [String: OperationHandler] = UserOperations.handlers
        .merging(AuthOperations.handlers) { first, _ in first }
        .merging(GroupOperations.handlers) { first, _ in first }
        .merging(AccountOperations.handlers) { first, _ in first }
        .merging(MFAOperations.handlers) { first, _ in first }
        .merging(FactorOperations.handlers) { first, _ in first }
        .merging(DeviceOperations.handlers) { first, _ in first }
        .merging(WebAuthnOperations.handlers) { first, _ in first }
        .merging(PoolOperations.handlers) { first, _ in first }
        .merging(ResourceServerOperations.handlers) { first, _ in first }
        .merging(PoolSettingsOperations.handlers) { first, _ in first }
        .merging(AttributeOperations.handlers) { first, _ in first }
        .merging(ClientSecretOperations.handlers) { first, _ in first }
        .merging(DomainOperations.handlers) { first, _ in first }
        .merging(UserSettingsOperations.handlers) { first, _ in first }
        .merging(TermsOperations.handlers) { first, _ in first }
        .merging(UICustomizationOperations.handlers) { first, _ in first }
        .merging(BrandingOperations.handlers) { first, _ in first }
        .merging(RiskOperations.handlers) { first, _ in first }
        .merging(UserImportOperations.handlers) { first, _ in first }
        .merging(IdentityProviderOperations.handlers) { first, _ in first }
        .merging(LinkOperations.handlers) { first, _ in first }
        .merging([UpdateUserPool.name: UpdateUserPool.handler, GetTokensFromRefreshToken.name: GetTokensFromRefreshToken.handler]) {
            first,
            _ in first
        }

    /// The API over `service`.
    public init(service: LocalPoolService, region: String = "us-east-1") {
        self.service = service
        self.region = region
    }

    /// Runs the operation named by `target` with JSON `body`: its JSON answer, or the Cognito
    /// error it refused the call with (which renders itself: ``LocalPoolError``).
    public func handle(target: String?, body: [UInt8], logger: Logger, callerAddress: String? = nil) async throws(LocalPoolError) -> [UInt8] {
        guard let target, target.hasPrefix(Self.targetPrefix) else {
            throw LocalPoolError(.unknownOperation, "Missing or unknown X-Amz-Target")
        }
        let operation = String(target.dropFirst(Self.targetPrefix.count))
        do throws(LocalPoolError) {
            // Checked on the bytes first in any case: a JSON object, with no NUL in it (the
            // operation then parses it, once).
            try RequestBody.check(body)
            guard let handler = Self.handlers[operation] else {
                throw LocalPoolError(.unknownOperation, "\(operation) is not supported by the local pool")
            }
            var call = self
            call.callerAddress = callerAddress
            return try await handler.run(call, body)
        } catch {
            logger.log(
                level: error.statusCode >= 500 ? .error : .info,
                error.statusCode >= 500 ? "gatehouse.pool.api_error" : "gatehouse.pool.api_rejected",
                metadata: ["aws.operation": "\(operation)", "aws.error": "\(error.type)"]
            )
            throw error
        }
    }

    /// At most 512 characters of `message`.
    static func capped(_ message: String) -> String {
        message.count <= 512 ? message : String(message.prefix(509)) + "..."
    }
}
