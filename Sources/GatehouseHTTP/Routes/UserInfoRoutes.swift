public import GatehouseCore
import HTTPTypes
public import Hummingbird
import NIOCore

/// `GET /userinfo` (the profile), `OPTIONS /userinfo` (non-preflight) and `GET /healthz`.
public struct UserInfoRoutes: Sendable {
    private let service: UserInfoService
    private let keys: JWKSCache

    /// Routes serving `service`; `keys` feeds the health check.
    public init(service: UserInfoService, keys: JWKSCache) {
        self.service = service
        self.keys = keys
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
        let token = UserInfoService.token(fromAuthorization: request.headers[.authorization])
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
