public import AsyncHTTPClient
public import GatehouseAWS
public import GatehouseCore
public import Hummingbird
public import Logging
import ServiceLifecycle

/// The router of the userinfo API: the edge middleware (request id, CORS, errors, security
/// headers, access log) and the routes. Used by the server, the Lambda and the tests.
public func buildRouter(_ dependencies: GatehouseDependencies) -> Router<GatehouseRequestContext> {
    let routes = RouteTable.api
    let router = Router(context: GatehouseRequestContext.self)
    router.add(middleware: EdgeMiddleware(policy: dependencies.cors, routes: routes))
    UserInfoRoutes(service: dependencies.userInfo, keys: dependencies.keys).register(on: router)
    return router
}

/// Builds the production dependencies for `configuration`: one HTTP client, the JWKS cache,
/// the token cache, Cognito's `AdminGetUser` behind the attribute cache.
public func buildDependencies(
    configuration: GatehouseConfiguration,
    credentials: any AWSCredentialProvider,
    httpClient: HTTPClient
) -> GatehouseDependencies {
    let transport = HTTPClientTransport(client: httpClient)
    let keys = JWKSCache(fetcher: HTTPJWKSFetcher(url: configuration.jwksURL, transport: transport))
    let verifier = TokenVerifier(
        configuration: TokenVerifierConfiguration(
            issuer: configuration.issuer,
            clientIDs: Set(configuration.clientIDs),
            tokenUse: configuration.tokenUse,
            clockLeeway: configuration.clockLeeway,
            maximumTokenBytes: configuration.maximumTokenBytes
        ),
        keys: keys,
        cache: configuration.tokenCacheSize > 0 ? VerifiedTokenCache(capacity: configuration.tokenCacheSize) : nil
    )
    // The configuration was validated, so the endpoint parses.
    let endpoint = AWSEndpoint(url: configuration.cognitoEndpoint)!
    let cognito = CognitoIdentityProvider(
        endpoint: endpoint,
        region: configuration.region,
        credentials: credentials,
        transport: transport
    )
    var directory: any UserDirectory = CognitoUserDirectory(userPoolID: configuration.userPoolID, cognito: cognito)
    if configuration.userCacheTTL > 0 {
        directory = CachedUserDirectory(
            upstream: directory,
            timeToLive: configuration.userCacheTTL,
            negativeTimeToLive: configuration.userNegativeCacheTTL
        )
    }
    return GatehouseDependencies(
        userInfo: UserInfoService(verifier: verifier, directory: directory, attributeNames: configuration.attributes),
        keys: keys,
        cors: CORSPolicy(allowedOrigins: configuration.allowedOrigins)
    )
}

/// The HTTP server application: the router on `host:port`, answering for `allowedHosts` only
/// (default: the listening address and, on loopback, its loopback names), within `limits`; the
/// shared HTTP client as a service (shut down after the server drains), and the JWKS fetched
/// before the first request.
public func buildApplication(
    dependencies: GatehouseDependencies,
    httpClient: HTTPClient?,
    host: String,
    port: Int,
    allowedHosts: AllowedHosts? = nil,
    limits: ServerLimits = .forProcess(servers: 1),
    logger: Logger
) -> some ApplicationProtocol {
    var services: [any Service] = []
    if let httpClient { services.append(HTTPClientService(client: httpClient)) }
    var app = Application(
        router: HostChecked(buildRouter(dependencies), allowed: allowedHosts ?? .listening(host: host, port: port)),
        server: limits.server,
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

/// Keeps the shared HTTP client alive while the application runs and shuts it down after.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
