/// An error the API reports to clients: a stable code and a message for humans (the edge maps
/// the code to an HTTP status and headers: `GatehouseError+Response` in GatehouseEdge).
///
/// Internal detail (which token rule failed, what Cognito said) travels in ``logDetail``
/// and is only ever logged.
public struct GatehouseError: Error, Sendable, CustomStringConvertible {
    /// The error codes clients see in `{"error": …}`.
    public enum Code: String, Sendable {
        /// No token was sent (401).
        case missingToken = "missing_token"
        /// The token failed a rule: signature, issuer, client, use or shape (401).
        case invalidToken = "invalid_token"
        /// The token's `exp` is past (401).
        case expiredToken = "expired_token"
        /// The IdP no longer honours the token: signed out or revoked (401).
        case tokenRevoked = "token_revoked"
        /// The token's user is disabled (401).
        case userDisabled = "user_disabled"
        /// The token's user no longer exists, or the name is another user's now (401).
        case userNotFound = "user_not_found"
        /// A client's own token (`client_credentials`) where a user's is needed: it has no user (401).
        case noUser = "no_user"
        /// A CORS preflight from an origin, with a method or header, not allowed (403).
        case originNotAllowed = "origin_not_allowed"
        /// A session route without a session (401).
        case notLoggedIn = "not_logged_in"
        /// The session ended: idle, too old, or its refresh refused (401).
        case sessionExpired = "session_expired"
        /// A cookie request without `X-CSRF: 1`, or from an origin not allowed (403).
        case csrfCheckFailed = "csrf_check_failed"
        /// Signed in, but not allowed this (a group rule) (403).
        case forbidden = "forbidden"
        /// The request is malformed (400).
        case invalidRequest = "invalid_request"
        /// The IdP refused the login's code exchange (400).
        case loginFailed = "login_failed"
        /// A login end without its start (state, cookie or login id) (401).
        case invalidState = "invalid_state"
        /// Cookie sessions are not configured (404).
        case sessionsDisabled = "sessions_disabled"
        /// No such path (404).
        case notFound = "not_found"
        /// The path does not take this method (405, with `Allow`).
        case methodNotAllowed = "method_not_allowed"
        /// The IdP or the key set cannot be reached now (503, with `Retry-After`).
        case serviceUnavailable = "service_unavailable"
        /// The app's API behind a proxy prefix could not be reached (502).
        case upstreamUnavailable = "upstream_unavailable"
        /// The app's API did not answer in time (504).
        case upstreamTimeout = "upstream_timeout"
        /// Something failed on our side; the detail is only logged (500).
        case internalError = "internal_error"
    }

    /// The code.
    public let code: Code
    /// The message for humans.
    public let message: String
    /// Seconds to wait before retrying, sent as `Retry-After`.
    public let retryAfter: Int?
    /// Methods allowed on the path, sent as `Allow` with 405.
    public let allowedMethods: [String]
    /// What really happened, for the logs only.
    public let logDetail: String?

    /// An error with `code`; `message` defaults to a generic text for the code.
    public init(
        _ code: Code,
        message: String? = nil,
        retryAfter: Int? = nil,
        allowedMethods: [String] = [],
        logDetail: String? = nil
    ) {
        self.code = code
        self.message = message ?? Self.defaultMessage(code)
        self.retryAfter = retryAfter
        self.allowedMethods = allowedMethods
        self.logDetail = logDetail
    }

    public var description: String {
        logDetail.map { "\(code.rawValue): \($0)" } ?? code.rawValue
    }

    private static func defaultMessage(_ code: Code) -> String {
        switch code {
        case .missingToken: "No access token was sent."
        case .invalidToken: "The token is not valid."
        case .expiredToken: "The token has expired."
        case .tokenRevoked: "The token has been revoked (its user signed out). Sign in again."
        case .userDisabled: "The user is disabled."
        case .userNotFound: "The user no longer exists."
        case .noUser: "This token is an app client's own (client_credentials): it carries no user, so there is no profile."
        case .originNotAllowed: "This origin is not allowed."
        case .notLoggedIn: "Not signed in."
        case .sessionExpired: "The session has ended. Sign in again."
        case .csrfCheckFailed: "Cookie requests need the header X-CSRF: 1 and an allowed Origin."
        case .forbidden: "You are not allowed to use this."
        case .invalidRequest: "The request is malformed."
        case .loginFailed: "The sign-in did not complete."
        case .invalidState: "This sign-in was not started here, has expired, or was already used. Start again."
        case .sessionsDisabled: "Cookie sessions are not configured on this server."
        case .notFound: "No such resource."
        case .methodNotAllowed: "Method not allowed."
        case .serviceUnavailable: "The user pool is unavailable. Try again shortly."
        case .upstreamUnavailable: "The service behind this path could not be reached."
        case .upstreamTimeout: "The service behind this path did not answer in time."
        case .internalError: "Something went wrong on our side."
        }
    }
}

extension GatehouseError {
    /// The client-facing error for a rejected token.
    public init(_ error: TokenError) {
        switch error.code {
        case .expired: self.init(.expiredToken, logDetail: error.description)
        case .keysUnavailable:
            self.init(.serviceUnavailable, retryAfter: 5, logDetail: "token keys unavailable: \(error)")
        default: self.init(.invalidToken, logDetail: error.description)
        }
    }

    /// The client-facing error for a failed directory lookup.
    public init(_ error: DirectoryError) {
        switch error.code {
        case .userNotFound: self.init(.userNotFound, logDetail: error.description)
        case .throttled, .unavailable:
            self.init(.serviceUnavailable, retryAfter: error.retryAfter ?? 1, logDetail: error.description)
        case .misconfigured: self.init(.internalError, logDetail: error.description)
        }
    }
}
