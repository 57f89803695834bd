public import GatehouseCore
public import GatehouseSessions
import HTTPTypes
public import Hummingbird
import NIOCore

/// `GET /userinfo` (the profile, by bearer token or session cookie), `OPTIONS /userinfo`
/// (non-preflight) and `GET /healthz`.
public struct UserInfoRoutes: Sendable {
    private let service: UserInfoService
    private let keys: JWKSCache
    private let sessions: SessionService?
    private let csrf: CSRFCheck

    /// Routes serving `service`; `keys` feeds the health check; with `sessions`, a request
    /// without `Authorization` may authenticate with the session cookie (CSRF-checked against `cors`).
    public init(service: UserInfoService, keys: JWKSCache, sessions: SessionService? = nil, cors: CORSPolicy = CORSPolicy(allowedOrigins: [])) {
        self.service = service
        self.keys = keys
        self.sessions = sessions
        self.csrf = CSRFCheck(policy: cors)
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<GatehouseRequestContext>) {
        router.get("/userinfo") { request, context in
            try await userInfo(request, context: context)
        }
        router.head("/userinfo") { request, context in
            var response = try await userInfo(request, context: context)
            response.body = .init()
            return response
        }
        router.on("/userinfo", method: .options) { _, _ in
            Response(status: .noContent, headers: [.allow: "GET, HEAD, OPTIONS"])
        }
        router.get("/healthz") { _, _ in health() }
        router.head("/healthz") { _, _ in
            var response = health()
            response.body = .init()
            return response
        }
    }

    private func userInfo(_ request: Request, context: GatehouseRequestContext) async throws -> Response {
        let token = try await accessToken(request, context: context)
        let profile = try await service.userInfo(token: token, logger: context.logger)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8",
                .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: profile.jsonBytes()))
        )
    }

    /// The bearer token of `Authorization` (which wins when both are present), else the
    /// session's access token, refreshed when due.
    private func accessToken(_ request: Request, context: GatehouseRequestContext) async throws -> String? {
        let authorization = request.headers[.authorization]
        guard authorization == nil, let sessions, let cookie = SessionCookies.value(SessionService.sessionCookie, in: request) else {
            return UserInfoService.token(fromAuthorization: authorization)
        }
        try csrf.verify(request)
        do {
            return try await sessions.active(cookie: cookie, logger: context.logger).tokens.accessToken
        } catch where error.code == .sessionExpired {
            throw SessionFailure(error: error, clearing: [SessionService.sessionCookie])
        }
    }

    private func health() -> Response {
        var writer = JSONWriter()
        let ready = keys.keyCount > 0
        writer.add("status", ready ? "ok" : "degraded")
        writer.add("signingKeys", keys.keyCount)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.finish()))
        )
    }
}
