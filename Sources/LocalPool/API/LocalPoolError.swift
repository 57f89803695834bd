/// An error of the cognito-idp JSON API, with Cognito's exception name and status.
public struct LocalPoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Cognito's exception name (`NotAuthorizedException`, …).
    public let type: String
    /// The message.
    public let message: String
    /// The HTTP status (400 for client errors, 500 for `InternalErrorException`).
    public let status: Int

    /// An error.
    public init(_ type: String, _ message: String, status: Int = 400) {
        self.type = type
        self.message = message
        self.status = status
    }

    public var description: String { "\(type): \(message)" }

    static func notAuthorized(_ message: String) -> Self { Self("NotAuthorizedException", message) }
    static func invalidParameter(_ message: String) -> Self { Self("InvalidParameterException", message) }
    static func userNotFound() -> Self { Self("UserNotFoundException", "User does not exist.") }
    static func resourceNotFound(_ message: String) -> Self { Self("ResourceNotFoundException", message) }
    static func internalError(_ detail: String) -> Self { Self("InternalErrorException", "Internal error: \(detail)", status: 500) }
}
