import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatehouseAWS
import GatehouseComposition
import GatehouseCore
import GatehouseHTTP
import GatehouseSessions
import Hummingbird
import LocalPool
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// `gatehouse serve`: the userinfo API, against a configured Cognito pool or the embedded local pool.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve GET /userinfo, with the local Cognito-compatible pool unless a pool is configured.",
        discussion: """
            Configuration comes from GATEHOUSE_* environment variables (see the README); flags override \
            where both exist. With neither GATEHOUSE_USER_POOL_ID nor GATEHOUSE_ISSUER set, the local pool \
            runs on --pool-port and keeps its state in --data-dir.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port of the API.")
    var port = 8080

    @Option(help: "Port of the local pool (the Cognito domain and cognito-idp endpoint).")
    var poolPort = 9229

    @Option(help: "Public base URL of the local pool (its issuer is {base}/{poolId}); default http://{host}:{pool-port}.")
    var poolURL: String?

    @Option(help: "Port of the demo web app (served with the local pool).")
    var appPort = 3000

    @Option(help: "Public origin of the web app, allowed by CORS and registered as the SPA client's callback; default http://{host}:{app-port}.")
    var appOrigin: String?

    @Option(help: "App client the demo app signs in with in storage mode; default the pool's SPA client.")
    var appClientID: String?

    @Option(
        help:
            "How the demo app signs in: cookie (the API keeps the tokens; the default when sessions are on) or storage (tokens in the page's session storage)."
    )
    var appMode: AppMode?

    @Option(help: "Folder of the demo web app; default ./Web, else the one in the source tree.")
    var webDir: String?

    @Option(help: "Directory holding the local pool's database.")
    var dataDir = ".gatehouse"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(
        name: .customLong("allowed-host"),
        help: ArgumentHelp(
            "Another Host value (name[:port]) the servers answer, besides their listening address, its loopback names and the --pool-url/--app-origin hosts; repeatable.",
            valueName: "host"
        )
    )
    var allowedHosts: [String] = []

    @Option(help: "Seconds a connection may stay idle, or stall mid-request, before it is closed.")
    var idleTimeout = 30

    @Option(help: "Open connections per server (API, pool, app); default: the descriptor limit shared among them.")
    var maxConnections: Int?

    @Option(help: "Port of the Prometheus metrics (GET /metrics), on 127.0.0.1 only; off unless given.")
    var metricsPort: Int?

    @Option(
        help: ArgumentHelp(
            "Credentials the local pool's admin API checks SigV4 signatures against (default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when set; without either, admin calls are unsigned).",
            valueName: "key:secret"
        )
    )
    var awsCredentials: String?

    @Option(help: "Cookie sessions' hosted login base URL (GATEHOUSE_OAUTH_DOMAIN); default with the local pool: the pool.")
    var oauthDomain: String?

    @Option(
        help:
            "Cookie sessions' confidential app client (GATEHOUSE_OAUTH_CLIENT_ID; its secret only from GATEHOUSE_OAUTH_CLIENT_SECRET); default with the local pool: its confidential client."
    )
    var oauthClientID: String?

    @Option(help: "Where the hosted login returns the browser (GATEHOUSE_OAUTH_REDIRECT_URI); default with the local pool: the app's origin.")
    var oauthRedirectURI: String?

    @Option(help: "Where Cognito's /logout returns the browser (GATEHOUSE_OAUTH_LOGOUT_URI).")
    var oauthLogoutURI: String?

    @Option(
        help:
            "Session store (GATEHOUSE_SESSION_STORE): memory, sqlite:PATH (one process) or dynamodb:TABLE (shared by every instance); default sqlite in --data-dir."
    )
    var sessionStore: String?

    @Flag(help: "Serve the local pool's admin API unsigned on a non-loopback address (anyone who reaches it can manage users).")
    var insecureOpenAdminAPI = false

    @Option(
        name: .customLong("trigger"),
        help:
            "A local pool trigger function run here, NAME=COMMAND (repeatable; GATEHOUSE_TRIGGERS holds pairs separated by ;): COMMAND is a Lambda runtime (python -m awslambdaric handler.fn, a bootstrap) and NAME the function name in the pool's LambdaConfig ARNs."
    )
    var triggers: [String] = []

    @OptionGroup(title: "The app's own APIs behind the sign-in")
    var proxyOptions: ProxyOptions

    func run() async throws {
        var environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap(LogSetup.serve(environment: environment, levelFlag: logLevel).handler)
        let logger = Logger(label: "gatehouse")
        guard [port, poolPort, appPort, metricsPort ?? 0].allSatisfy({ (0...65535).contains($0) }) else {
            fail("--port, --pool-port, --app-port and --metrics-port must be 0 to 65535")
        }
        guard (1...3600).contains(idleTimeout) else { fail("--idle-timeout must be 1 to 3600 seconds") }
        if let maxConnections, !(1...1_000_000).contains(maxConnections) { fail("--max-connections must be 1 to 1000000") }

        var services: [any Service] = []
        let localPool = !GatehouseConfiguration.namesUserPool(environment)
        let adminCredentials = localPool ? adminAPICredentials(environment: environment) : nil
        let ports = listeningPorts(localPool: localPool)
        await checkPortsAreFree(ports)
        var limits = ServerLimits.forProcess(servers: ports.count)
        limits.idleTimeout = .seconds(idleTimeout)
        if let maxConnections { limits.maximumConnections = maxConnections }
        if let metricsPort { services.append(metricsServer(port: metricsPort, limits: limits, logger: logger)) }
        applySessionFlags(to: &environment)
        var demoAPI: String?
        if proxyOptions.demoUpstream {
            let demo = try await DemoUpstream.start(logger: logger)
            services.append(demo.service)
            demoAPI = demo.url
        }
        let proxy: ProxySettings
        do {
            proxy = try proxyOptions.settings(environment: environment, demo: demoAPI)
        } catch {
            fail("configuration error: \(error)")
        }

        let httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(
                timeout: .init(connect: .seconds(2), read: .seconds(5)),
                connectionPool: .init(idleTimeout: .seconds(60))
            )
        )
        let configuration: GatehouseConfiguration
        let pool: UserPoolSource
        let sessions: SessionSetup?
        if localPool {
            let local = try await startLocalPool(
                limits: limits,
                adminCredentials: adminCredentials,
                environment: environment,
                httpClient: httpClient,
                demoAPI: demoAPI != nil,
                logger: logger
            )
            services.append(contentsOf: local.services)
            (configuration, pool, sessions) = (local.configuration, local.pool, local.sessions)
        } else {
            do {
                configuration = try GatehouseConfiguration(environment: environment)
                pool = .cognito(credentials: StaticCredentialProvider(try EnvironmentCredentials.load(from: environment)))
                sessions = try sessionSetup(
                    try SessionSettings.from(environment),
                    environment: environment,
                    home: .dataDirectory(ServeDataDirectory(folder: URL(fileURLWithPath: dataDir, isDirectory: true))),
                    transport: HTTPClientTransport(client: httpClient),
                    logger: logger
                )
            } catch {
                fail("configuration error: \(error)")
            }
        }
        let dependencies = buildDependencies(configuration: configuration, pool: pool, httpClient: httpClient, sessions: sessions, proxy: proxy)
        var metadata: Logger.Metadata = [
            "gatehouse.pool": "\(configuration.userPoolID)",
            "gatehouse.issuer": "\(configuration.issuer)",
            "gatehouse.token_use": "\(configuration.tokenUse.rawValue)",
            "gatehouse.sessions": "\(sessions.map { "on (client \($0.settings.clientID))" } ?? "off")",
            "gatehouse.upstreams": "\(proxy.upstreams.map { "\($0.prefix) → \($0.origin)\($0.basePath)" }.joined(separator: ", "))",
        ]
        if !localPool {
            metadata["gatehouse.jwks_url"] = "\(configuration.jwksURL)"
            metadata["gatehouse.cognito_endpoint"] = "\(configuration.cognitoEndpoint)"
        }
        logger.info("gatehouse.serve.starting", metadata: metadata)
        if let sessions { services.append(SessionSweeper(store: sessions.store, logger: logger)) }
        services.append(
            buildApplication(
                dependencies: dependencies,
                services: [HTTPClientService(client: httpClient)],
                host: host,
                port: port,
                allowedHosts: .listening(host: host, port: port, extra: allowedHosts),
                limits: limits,
                logger: logger
            )
        )
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }

    /// How the demo app signs in.
    enum AppMode: String, ExpressibleByArgument {
        case cookie, storage
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gatehouse: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
