import GatehouseCore
import GatehouseEdge
import GatehouseSessions
public import HTTPTypes
public import Hummingbird
public import HummingbirdAuth
public import Logging

/// The bearer token of `Authorization`, verified as `/userinfo` verifies it. A request without
/// `Authorization` passes on; one with an `Authorization` that holds no token has no identity
/// (and no cookie is read for it: the header says which credential the caller meant).
public struct BearerAuthenticator: AuthenticatorMiddleware {
    /// The API's request context.
    public typealias Context = GatehouseRequestContext
    let userInfo: UserInfoService

    /// Hummingbird-auth's step: the identity of `request`, or nil to pass it on.
    public func authenticate(request: Request, context: Context) async throws -> Identity? {
        if let identity = context.identity { return identity }
        return try await identify(request.headers, logger: context.logger)
    }

    /// The identity of a request with `headers`, or nil without a bearer token.
    public func identify(_ headers: HTTPFields, logger: Logger) async throws -> Identity? {
        guard let token = BearerToken.parse(headers[.authorization]) else { return nil }
        return Identity(token: try await userInfo.verifyBearer(token, logger: logger), rawToken: token, session: nil)
    }
}

/// The session cookie, under a CSRF rule: the session's access token (refreshed when due) is
/// the identity. A request without the cookie, or with `Authorization` (the bearer half's),
/// passes on.
public struct SessionCookieAuthenticator: AuthenticatorMiddleware {
    /// The API's request context.
    public typealias Context = GatehouseRequestContext
    let userInfo: UserInfoService
    let sessions: SessionService
    let policy: CORSPolicy
    let rule: RequestAuthenticator.CookieRule

    /// Hummingbird-auth's step: the identity of `request`, or nil to pass it on.
    public func authenticate(request: Request, context: Context) async throws -> Identity? {
        if let identity = context.identity { return identity }
        return try await identify(request.headers, logger: context.logger)
    }

    /// The identity of a request with `headers`, or nil without the session cookie.
    public func identify(_ headers: HTTPFields, logger: Logger) async throws -> Identity? {
        guard headers[.authorization] == nil, let cookie = SessionCookies.value(SessionService.sessionCookie, in: headers) else { return nil }
        try check(headers)
        let session: ActiveSession
        do {
            session = try await sessions.active(cookie: cookie, logger: logger)
        } catch  where error.code == .sessionExpired {
            throw SessionFailure(error: error, clearing: [SessionService.sessionCookie])
        }
        let access = session.tokens.accessToken
        return Identity(token: try await userInfo.verify(access, logger: logger), rawToken: access, session: session)
    }

    /// Throws 403 `csrf_check_failed` unless `headers` pass the rule.
    func check(_ headers: HTTPFields) throws(GatehouseError) {
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
}
