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
    private let authenticator: RequestAuthenticator

    /// Routes serving `service`; `keys` feeds the health check; with `sessions`, a request
    /// without `Authorization` may authenticate with the session cookie (CSRF-checked against `cors`).
    public init(service: UserInfoService, keys: JWKSCache, sessions: SessionService? = nil, cors: CORSPolicy = CORSPolicy(allowedOrigins: [])) {
        self.service = service
        self.keys = keys
        self.authenticator = RequestAuthenticator(userInfo: service, sessions: sessions, policy: cors)
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<GatehouseRequestContext>) {
        var identified = router.group().add(middleware: authenticator.bearer)
        if let cookie = authenticator.cookie(rule: .csrfHeader) { identified = identified.add(middleware: cookie) }
        let authenticated = identified.group(context: AuthenticatedRequestContext.self)
        authenticated.get("/userinfo") { _, context in
            try await userInfo(context)
        }
        authenticated.head("/userinfo") { _, context in
            var response = try await userInfo(context)
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

    private func userInfo(_ context: AuthenticatedRequestContext) async throws -> Response {
        let profile = try await service.profile(of: context.identity.token, logger: context.logger)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8",
                .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: profile.jsonBytes()))
        )
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
