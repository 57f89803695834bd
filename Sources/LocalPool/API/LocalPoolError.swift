/// The exception names the local pool answers with, as Cognito spells them.
public enum CognitoErrorName: String, Sendable {
    case codeMismatch = "CodeMismatchException"
    case enableSoftwareTokenMFA = "EnableSoftwareTokenMFAException"
    case expiredCode = "ExpiredCodeException"
    case groupExists = "GroupExistsException"
    case internalError = "InternalErrorException"
    case invalidParameter = "InvalidParameterException"
    case invalidPassword = "InvalidPasswordException"
    case limitExceeded = "LimitExceededException"
    case notAuthorized = "NotAuthorizedException"
    case passwordResetRequired = "PasswordResetRequiredException"
    case resourceNotFound = "ResourceNotFoundException"
    case serialization = "SerializationException"
    case softwareTokenMFANotFound = "SoftwareTokenMFANotFoundException"
    case unauthorized = "UnauthorizedException"
    case unknownOperation = "UnknownOperationException"
    case unsupportedOperation = "UnsupportedOperationException"
    case unsupportedTokenType = "UnsupportedTokenTypeException"
    case userNotConfirmed = "UserNotConfirmedException"
    case userNotFound = "UserNotFoundException"
    case usernameExists = "UsernameExistsException"
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
