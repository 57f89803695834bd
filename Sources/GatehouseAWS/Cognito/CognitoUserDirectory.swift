public import GatehouseCore
public import Logging

/// A ``UserDirectory`` backed by Cognito's `AdminGetUser`.
public struct CognitoUserDirectory: UserDirectory {
    /// The pool users are read from.
    public let userPoolID: String
    private let cognito: CognitoIdentityProvider

    /// Reads users of `userPoolID` through `cognito`.
    public init(userPoolID: String, cognito: CognitoIdentityProvider) {
        self.userPoolID = userPoolID
        self.cognito = cognito
    }

    public func user(named username: String, logger: Logger) async throws(DirectoryError) -> DirectoryUser {
        do {
            let user = try await cognito.adminGetUser(userPoolID: userPoolID, username: username, logger: logger)
            return DirectoryUser(
                username: user.username,
                attributes: (user.userAttributes ?? []).map { (name: $0.name, value: $0.value ?? "") },
                enabled: user.enabled ?? true,
                status: user.userStatus ?? "UNKNOWN"
            )
        } catch {
            throw Self.directoryError(error)
        }
    }

    static func directoryError(_ error: AWSError) -> DirectoryError {
        switch error.code {
        case "UserNotFoundException":
            return DirectoryError(.userNotFound, detail: error.description)
        case _ where error.isThrottling:
            return DirectoryError(.throttled, retryAfter: 1, detail: error.description)
        case _ where error.isRetryable:
            return DirectoryError(.unavailable, retryAfter: 5, detail: error.description)
        default:
            return DirectoryError(.misconfigured, detail: error.description)
        }
    }
}
