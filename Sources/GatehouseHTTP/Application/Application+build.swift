import GatehouseCore
import GatehouseEdge
public import Hummingbird
public import Logging
public import ServiceLifecycle

/// The router of the userinfo API: the edge middleware (request id, CORS, errors, security
/// headers, access log) and the routes. Used by the server, the Lambda and the tests.
public func buildRouter(_ dependencies: GatehouseDependencies) -> Router<GatehouseRequestContext> {
    let register = { (router: Router<GatehouseRequestContext>) in
        UserInfoRoutes(service: dependencies.userInfo, keys: dependencies.keys, sessions: dependencies.sessions, cors: dependencies.cors)
            .register(on: router)
        SessionRoutes(sessions: dependencies.sessions, cors: dependencies.cors).register(on: router)
        ForwardAuthRoutes(authenticator: dependencies.authenticator).register(on: router)
    }
    let router = Router(context: GatehouseRequestContext.self)
    router.add(middleware: Edge.api(policy: dependencies.cors, routes: RouteTable(registering: register), proxy: dependencies.proxy))
    if !dependencies.proxy.upstreams.isEmpty, let client = dependencies.proxyClient {
        router.add(middleware: ReverseProxy(settings: dependencies.proxy, authenticator: dependencies.authenticator, client: client))
    }
    register(router)
    return router
}

/// The HTTP server application: the router on `host:port`, answering for `allowedHosts` only
/// (default: the listening address and, on loopback, its loopback names), within `limits`;
/// `services` run beside it (the composition's HTTP client, shut down after the server drains),
/// and the JWKS is fetched before the first request.
public func buildApplication(
    dependencies: GatehouseDependencies,
    services extra: [any Service] = [],
    host: String,
    port: Int,
    allowedHosts: AllowedHosts? = nil,
    limits: ServerLimits = .forProcess(servers: 1),
    logger: Logger
) -> some ApplicationProtocol {
    var services = extra
    if let proxyClient = dependencies.proxyClient { services.append(UpstreamClientService(client: proxyClient)) }
    // With upstreams, WebSocket handshakes under their prefixes may be upgraded and relayed.
    let server =
        dependencies.proxy.upstreams.isEmpty
        ? limits.server
        : limits.webSocketServer(ProxyWebSocket(settings: dependencies.proxy, authenticator: dependencies.authenticator))
    var app = Application(
        router: HostChecked(buildRouter(dependencies), allowed: allowedHosts ?? .listening(host: host, port: port)),
        server: server,
        configuration: limits.configuration(address: .hostname(host, port: port), serverName: "gatehouse", logger: logger),
        services: services,
        logger: logger
    )
    app.beforeServerStarts {
        await dependencies.keys.prefetch(logger: logger, attempts: 30)
        logger.info("gatehouse.jwks.ready", metadata: ["gatehouse.jwks.keys": "\(dependencies.keys.keyCount)"])
    }
    return app
}

/// Closes the proxy's idle upstream connections after the server drains.
struct UpstreamClientService: Service {
    let client: UpstreamClient

    func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
