/// The exception names the local pool answers with, as Cognito spells them.
public enum CognitoErrorName: String, Sendable {
    /// A wrong one-time code.
    case codeMismatch = "CodeMismatchException"
    /// A provider of that name exists in the pool.
    case duplicateProvider = "DuplicateProviderException"
    /// VerifySoftwareToken got a wrong TOTP code.
    case enableSoftwareTokenMFA = "EnableSoftwareTokenMFAException"
    /// The one-time code expired or was used up.
    case expiredCode = "ExpiredCodeException"
    /// A group of that name exists.
    case groupExists = "GroupExistsException"
    /// Something failed on the pool's side (500).
    case internalError = "InternalErrorException"
    /// An app client's OAuth flows do not go together.
    case invalidOAuthFlow = "InvalidOAuthFlowException"
    /// A trigger's function answered with something that is not its event's response.
    case invalidLambdaResponse = "InvalidLambdaResponseException"
    /// A parameter is missing, malformed or out of range.
    case invalidParameter = "InvalidParameterException"
    /// The password does not meet the pool's policy.
    case invalidPassword = "InvalidPasswordException"
    /// Too many codes or wrong codes for the name: back off.
    case limitExceeded = "LimitExceededException"
    /// The app client has a managed login branding style already.
    case managedLoginBrandingExists = "ManagedLoginBrandingExistsException"
    /// Wrong credentials, a disabled user, a bad session or token.
    case notAuthorized = "NotAuthorizedException"
    /// An admin reset the password: set a new one with a code first.
    case passwordResetRequired = "PasswordResetRequiredException"
    /// No such pool, client or group.
    case resourceNotFound = "ResourceNotFoundException"
    /// An app client names a scope no resource server has.
    case scopeDoesNotExist = "ScopeDoesNotExistException"
    /// The app client has terms of that name.
    case termsExists = "TermsExistsException"
    /// The request body is not a JSON object.
    case serialization = "SerializationException"
    /// No software token was associated with the user.
    case softwareTokenMFANotFound = "SoftwareTokenMFANotFoundException"
    /// A trigger's function could not be invoked or did not answer in time.
    case unexpectedLambda = "UnexpectedLambdaException"
    /// The client may not do this (a token of another client).
    case unauthorized = "UnauthorizedException"
    /// `X-Amz-Target` names no operation the pool serves.
    case unknownOperation = "UnknownOperationException"
    /// The client has the operation turned off (token revocation).
    case unsupportedOperation = "UnsupportedOperationException"
    /// Only refresh tokens can be revoked.
    case unsupportedTokenType = "UnsupportedTokenTypeException"
    /// The user is not in the state the operation needs (AdminCreateUser's `RESEND`).
    case unsupportedUserState = "UnsupportedUserStateException"
    /// The user signed up but has not confirmed.
    case userNotConfirmed = "UserNotConfirmedException"
    /// No such user (when the client does not hide who exists).
    case userNotFound = "UserNotFoundException"
    /// Threat protection (`AdvancedSecurityMode`) is off for the pool.
    case userPoolAddOnNotEnabled = "UserPoolAddOnNotEnabledException"
    /// A trigger's handler raised an error (its message is in the answer's).
    case userLambdaValidation = "UserLambdaValidationException"
    /// A user of that name exists.
    case usernameExists = "UsernameExistsException"
    /// The pool does not allow passkeys (`WEB_AUTHN` is not among its first factors).
    case webAuthnNotEnabled = "WebAuthnNotEnabledException"
    /// No registration was started, or it expired.
    case webAuthnChallengeNotFound = "WebAuthnChallengeNotFoundException"
    /// The credential is of another relying party.
    case webAuthnRelyingPartyMismatch = "WebAuthnRelyingPartyMismatchException"
    /// The ceremony ran on a page the relying party does not cover.
    case webAuthnOriginNotAllowed = "WebAuthnOriginNotAllowedException"
    /// The credential's key, attestation or flags are not ones the pool accepts.
    case webAuthnCredentialNotSupported = "WebAuthnCredentialNotSupportedException"
}

/// An error of the cognito-idp JSON API, with Cognito's exception name and status.
public struct LocalPoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Cognito's exception name (`NotAuthorizedException`, …).
    public let type: String
    /// The message.
    public let message: String
    /// The HTTP status code (400 for client errors, 500 for `InternalErrorException`).
    public let statusCode: Int

    /// An error.
    public init(_ type: String, _ message: String, status: Int = 400) {
        self.type = type
        self.message = message
        self.statusCode = status
    }

    /// An error named by Cognito's exception `name`.
    public init(_ name: CognitoErrorName, _ message: String, status: Int = 400) {
        self.init(name.rawValue, message, status: status)
    }

    /// The exception's name, when it is one the pool uses.
    public var name: CognitoErrorName? { CognitoErrorName(rawValue: type) }

    public var description: String { "\(type): \(message)" }

    static func notAuthorized(_ message: String) -> Self { Self(.notAuthorized, message) }
    static func invalidParameter(_ message: String) -> Self { Self(.invalidParameter, message) }
    static func userNotFound() -> Self { Self(.userNotFound, "User does not exist.") }
    static func resourceNotFound(_ message: String) -> Self { Self(.resourceNotFound, message) }
    static func internalError(_ detail: String) -> Self { Self(.internalError, "Internal error: \(detail)", status: 500) }
}
