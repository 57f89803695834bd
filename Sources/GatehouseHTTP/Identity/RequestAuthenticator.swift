public import GatehouseCore
import GatehouseEdge
public import GatehouseSessions
public import HTTPTypes
public import Logging

/// Who a request is from, for `/userinfo`, the reverse proxy (HTTP and WebSockets) and forward
/// auth alike: two authenticators composed as hummingbird-auth composes them, each passing on
/// when its credential is absent. The bearer token of `Authorization` first (it wins when both
/// are present: verified, and with the revocation check on, checked live), then the session
/// cookie (the session's access token, refreshed when due, under the CSRF rule the caller
/// names). Neither: nil.
public struct RequestAuthenticator: Sendable {
    /// How a request that authenticates with the session cookie shows it comes from the app.
    public enum CookieRule: Sendable {
        /// `X-CSRF: 1` (a custom header forces a CORS preflight, which only allowed origins pass)
        /// and, when sent, an allowed `Origin`: every cookie request a page makes with `fetch`.
        case csrfHeader
        /// An allowed `Origin`, which must be sent: a WebSocket handshake, which cannot carry
        /// `X-CSRF` but always carries the page's `Origin`.
        case originRequired
        /// Nothing more: forward auth of a safe method (a page navigation cannot send `X-CSRF`;
        /// `SameSite=Strict` keeps other sites' requests from carrying the cookie).
        case none
    }

    /// The bearer half.
    public let bearer: BearerAuthenticator
    let userInfo: UserInfoService
    let sessions: SessionService?
    let policy: CORSPolicy

    /// An authenticator verifying with `userInfo`, reading sessions from `sessions` (nil: no
    /// cookie sessions), allowing the origins of `policy`.
    public init(userInfo: UserInfoService, sessions: SessionService?, policy: CORSPolicy) {
        self.bearer = BearerAuthenticator(userInfo: userInfo)
        self.userInfo = userInfo
        self.sessions = sessions
        self.policy = policy
    }

    /// The cookie half, under `rule`; nil when cookie sessions are off.
    public func cookie(rule: CookieRule) -> SessionCookieAuthenticator? {
        sessions.map { SessionCookieAuthenticator(userInfo: userInfo, sessions: $0, policy: policy, rule: rule) }
    }

    /// The refusal an error of ``identify(_:cookieRule:logger:)`` stands for (a session that
    /// ended comes with the cookie to clear; this is its error), or nil for an error that is not
    /// ours (then nothing was decided about the caller).
    public static func refusal(from error: any Error) -> GatehouseError? {
        if let error = error as? GatehouseError { return error }
        return (error as? SessionFailure)?.error
    }

    /// The identity of a request with `headers`, or nil when it carries no credential.
    public func identify(_ headers: HTTPFields, cookieRule: CookieRule, logger: Logger) async throws -> Identity? {
        if let identity = try await bearer.identify(headers, logger: logger) { return identity }
        return try await cookie(rule: cookieRule)?.identify(headers, logger: logger)
    }
}
