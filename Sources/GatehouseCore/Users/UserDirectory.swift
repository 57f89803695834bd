public import Logging

/// A user as the user pool holds them.
public struct DirectoryUser: Sendable, Equatable {
    /// The username.
    public let username: String
    /// User attributes (`sub`, `email`, `nickname`, …) as strings, in the pool's order.
    public let attributes: [(name: String, value: String)]
    /// Whether the user may sign in.
    public let enabled: Bool
    /// Cognito's `UserStatus` (`CONFIRMED`, `FORCE_CHANGE_PASSWORD`, …).
    public let status: String

    /// A user record.
    public init(username: String, attributes: [(name: String, value: String)], enabled: Bool, status: String) {
        self.username = username
        self.attributes = attributes
        self.enabled = enabled
        self.status = status
    }

    /// The value of attribute `name`, if the user has it.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    public static func == (lhs: DirectoryUser, rhs: DirectoryUser) -> Bool {
        lhs.username == rhs.username && lhs.enabled == rhs.enabled && lhs.status == rhs.status
            && lhs.attributes.elementsEqual(rhs.attributes) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Why a directory lookup failed.
public struct DirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable {
        /// The user does not exist (deleted, or never did).
        case userNotFound = "user_not_found"
        /// The directory is throttling us; try again later.
        case throttled
        /// The directory could not be reached or failed.
        case unavailable
        /// The directory refused us for a reason retrying will not fix (permissions, missing pool).
        case misconfigured
    }

    /// The kind of failure.
    public let code: Code
    /// Seconds after which a retry may succeed, for `throttled` and `unavailable`.
    public let retryAfter: Int?
    /// Detail for logs.
    public let detail: String?

    /// A directory failure.
    public init(_ code: Code, retryAfter: Int? = nil, detail: String? = nil) {
        self.code = code
        self.retryAfter = retryAfter
        self.detail = detail
    }

    public var description: String {
        detail.map { "\(code.rawValue): \($0)" } ?? code.rawValue
    }
}

/// Looks users up in the user pool: the seam between the userinfo service and Cognito.
public protocol UserDirectory: Sendable {
    /// The user called `username`; throws ``DirectoryError`` when they cannot be had.
    func user(named username: String, logger: Logger) async throws(DirectoryError) -> DirectoryUser
}

/// A ``UserDirectory`` made from a closure, for tests and small apps.
public struct ClosureUserDirectory: UserDirectory {
    private let lookup: @Sendable (String) async throws(DirectoryError) -> DirectoryUser

    /// Wraps `lookup`.
    public init(_ lookup: @escaping @Sendable (String) async throws(DirectoryError) -> DirectoryUser) {
        self.lookup = lookup
    }

    public func user(named username: String, logger: Logger) async throws(DirectoryError) -> DirectoryUser {
        try await lookup(username)
    }
}
