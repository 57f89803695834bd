public import GatehouseCore
public import GatehouseSessions
import HTTPTypes
public import Hummingbird
import Logging

/// Who a request is from: a token that passed every rule, and the session it came from when it
/// came by cookie. A class: request contexts are copied at every layer of the router, and one
/// reference is cheaper to copy than the token's strings and claims.
public final class Identity: Sendable {
    /// The verified token (the user's `sub`, `username`, client, expiry, claims).
    public let token: VerifiedToken
    /// The session, when the request authenticated with the session cookie.
    public let session: ActiveSession?

    init(token: VerifiedToken, session: ActiveSession?) {
        self.token = token
        self.session = session
    }
}

/// The context of routes that need a user: made from the API's context once ``IdentityMiddleware``
/// found one, and throwing 401 `missing_token` otherwise, so handlers get a non-optional user.
public struct AuthenticatedRequestContext: ChildRequestContext {
    public typealias ParentContext = GatehouseRequestContext
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id.
    public let requestID: String
    /// Who the request is from.
    public let identity: Identity

    public init(context: GatehouseRequestContext) throws {
        guard let identity = context.identity else { throw GatehouseError(.missingToken) }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.identity = identity
    }
}

/// Finds who a request is from: the bearer token of `Authorization` (which wins when both are
/// present), else the session cookie (CSRF-checked; the session's access token, refreshed when
/// due). The token is verified here; a request with neither passes on without an identity.
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    let userInfo: UserInfoService
    let sessions: SessionService?
    let csrf: CSRFCheck

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let identity = try await identify(request, logger: context.logger)
        var context = context
        context.identity = identity
        return try await next(request, context)
    }

    private func identify(_ request: Request, logger: Logger) async throws -> Identity? {
        let authorization = request.headers[.authorization]
        guard authorization == nil, let sessions, let cookie = SessionCookies.value(SessionService.sessionCookie, in: request) else {
            guard let token = UserInfoService.token(fromAuthorization: authorization) else { return nil }
            return Identity(token: try await userInfo.verifyBearer(token, logger: logger), session: nil)
        }
        try csrf.verify(request)
        let session = try await activeSession(sessions, cookie: cookie, logger: logger)
        return Identity(token: try await userInfo.verify(session.tokens.accessToken, logger: logger), session: session)
    }

    private func activeSession(_ sessions: SessionService, cookie: String, logger: Logger) async throws -> ActiveSession {
        do {
            return try await sessions.active(cookie: cookie, logger: logger)
        } catch  where error.code == .sessionExpired {
            throw SessionFailure(error: error, clearing: [SessionService.sessionCookie])
        }
    }
}
