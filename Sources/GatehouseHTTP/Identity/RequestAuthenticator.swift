public import GatehouseCore
public import GatehouseSessions
public import HTTPTypes
public import Logging

/// The one place a request's credential becomes an ``Identity``, for `/userinfo`, the reverse
/// proxy (HTTP and WebSockets) and forward auth alike: the bearer token of `Authorization` (which
/// wins when both are present; verified, and with the revocation check on, checked live), else
/// the session cookie (the session's access token, refreshed when due, under the CSRF rule the
/// caller names). Neither: nil.
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

    let userInfo: UserInfoService
    let sessions: SessionService?
    let policy: CORSPolicy

    /// An authenticator verifying with `userInfo`, reading sessions from `sessions` (nil: no
    /// cookie sessions), allowing the origins of `policy`.
    public init(userInfo: UserInfoService, sessions: SessionService?, policy: CORSPolicy) {
        self.userInfo = userInfo
        self.sessions = sessions
        self.policy = policy
    }

    /// The identity of a request with `headers`, or nil when it carries no credential.
    public func identify(_ headers: HTTPFields, cookieRule: CookieRule, logger: Logger) async throws -> Identity? {
        let authorization = headers[.authorization]
        guard authorization == nil, let sessions, let cookie = SessionCookies.value(SessionService.sessionCookie, in: headers) else {
            guard let token = UserInfoService.token(fromAuthorization: authorization) else { return nil }
            return Identity(token: try await userInfo.verifyBearer(token, logger: logger), rawToken: token, session: nil)
        }
        try check(headers, rule: cookieRule)
        let session = try await activeSession(sessions, cookie: cookie, logger: logger)
        let access = session.tokens.accessToken
        return Identity(token: try await userInfo.verify(access, logger: logger), rawToken: access, session: session)
    }

    /// Throws 403 `csrf_check_failed` unless `headers` pass `rule`.
    func check(_ headers: HTTPFields, rule: CookieRule) throws(GatehouseError) {
        switch rule {
        case .csrfHeader: try CSRFCheck(policy: policy).verify(headers)
        case .originRequired:
            guard let origin = headers[.origin], policy.allows(origin: origin) else {
                throw GatehouseError(
                    .csrfCheckFailed,
                    message: "A WebSocket with the session cookie needs an allowed Origin.",
                    logDetail: "origin missing or not allowed"
                )
            }
        case .none: return
        }
    }

    private func activeSession(_ sessions: SessionService, cookie: String, logger: Logger) async throws -> ActiveSession {
        do {
            return try await sessions.active(cookie: cookie, logger: logger)
        } catch  where error.code == .sessionExpired {
            throw SessionFailure(error: error, clearing: [SessionService.sessionCookie])
        }
    }
}
