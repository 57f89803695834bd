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

    @Option(help: "Session store (GATEHOUSE_SESSION_STORE): memory or sqlite:PATH; default sqlite in --data-dir.")
    var sessionStore: String?

    @Flag(help: "Serve the local pool's admin API unsigned on a non-loopback address (anyone who reaches it can manage users).")
    var insecureOpenAdminAPI = false

    func run() async throws {
        // Run Swift concurrency on NIO's event loops: handlers then continue on the thread that
        // read the request instead of hopping to the cooperative pool and back.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        var environment = ProcessInfo.processInfo.environment
        let level = (logLevel ?? environment["LOG_LEVEL"]).flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let format: GatehouseLogHandler.Format = environment["GATEHOUSE_LOG_FORMAT"]?.lowercased() == "json" ? .json : .plain
        LoggingSystem.bootstrap { label in
            GatehouseLogHandler(label: label, format: format, logLevel: level)
        }
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

        let configuration: GatehouseConfiguration
        let pool: UserPoolSource
        let sessions: SessionSetup?
        if localPool {
            let local = try await startLocalPool(limits: limits, adminCredentials: adminCredentials, environment: environment, logger: logger)
            services.append(contentsOf: local.services)
            (configuration, pool, sessions) = (local.configuration, local.pool, local.sessions)
        } else {
            do {
                configuration = try GatehouseConfiguration(environment: environment)
                pool = .cognito(credentials: StaticCredentialProvider(try EnvironmentCredentials.load(from: environment)))
                sessions = try sessionSetup(try SessionSettings.from(environment), environment: environment, logger: logger)
            } catch {
                fail("configuration error: \(error)")
            }
        }
        let httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(
                timeout: .init(connect: .seconds(2), read: .seconds(5)),
                connectionPool: .init(idleTimeout: .seconds(60))
            )
        )
        let dependencies = buildDependencies(configuration: configuration, pool: pool, httpClient: httpClient, sessions: sessions)
        var metadata: Logger.Metadata = [
            "gatehouse.pool": "\(configuration.userPoolID)",
            "gatehouse.issuer": "\(configuration.issuer)",
            "gatehouse.token_use": "\(configuration.tokenUse.rawValue)",
            "gatehouse.sessions": "\(sessions.map { "on (client \($0.settings.clientID))" } ?? "off")",
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
                httpClient: httpClient,
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

    /// The host in URLs printed and handed to the app (a wildcard listen address is not one).
    private var publicHost: String { host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host }

    /// The web app's origin: `--app-origin`, or `http://{host}:{app-port}`.
    private var resolvedAppOrigin: String {
        var origin = appOrigin ?? "http://\(publicHost):\(appPort)"
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }

    /// What the API gets from the local pool: the pool itself, in-process, and its sessions.
    struct LocalPoolWiring {
        var services: [any Service]
        var configuration: GatehouseConfiguration
        var pool: UserPoolSource
        var sessions: SessionSetup?
    }

    /// Opens the local pool (creating it on first run), prints where everything is, and returns
    /// its server, the demo app's server, and the pool handed to the API in-process.
    private func startLocalPool(
        limits: ServerLimits,
        adminCredentials: (key: String, secret: String)?,
        environment: [String: String],
        logger: Logger
    ) async throws -> LocalPoolWiring {
        let directory = URL(fileURLWithPath: dataDir, isDirectory: true)
        let appOrigin = resolvedAppOrigin
        var base = poolURL ?? "http://\(publicHost):\(poolPort)"
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else { fail("--pool-url must be an http(s) URL") }
        guard appOrigin.hasPrefix("http://") || appOrigin.hasPrefix("https://") else { fail("--app-origin must be an http(s) origin") }
        let service: LocalPoolService
        let setup: LocalPoolSetup
        let appClient: ClientRecord
        let sessionClient: ClientRecord
        let clientIDs: [String]
        do {
            let database = try PoolDatabase(directory: directory)
            for path in database.narrowedPermissions {
                logger.warning("gatehouse.pool.permissions_narrowed", metadata: ["gatehouse.path": "\(path)"])
            }
            service = LocalPoolService(database: database, baseURL: base, logger: logger)
            setup = try await LocalPoolBootstrap.ensure(service: service, appOrigin: appOrigin, dataDirectory: directory)
            // The app may have moved (another --app-port): its origin must be a registered callback.
            let chosen = try service.client(appClientID ?? setup.spaClient.id, poolID: setup.pool.id)
            appClient = try service.registerAppOrigin(appOrigin, clientID: chosen.id)
            let sessionClientID = environment.nonEmpty(SessionSettings.Variable.clientID) ?? setup.confidentialClient.id
            sessionClient = try service.client(sessionClientID, poolID: setup.pool.id)
            if sessionClient.id == setup.confidentialClient.id { _ = try service.registerAppOrigin(appOrigin, clientID: sessionClient.id) }
            clientIDs = try service.clients(poolID: setup.pool.id).map(\.id)
        } catch {
            fail("the local pool in \(directory.path) could not be opened: \(error)")
        }
        // The pool and the app answer their listening names and their public URLs' hosts only:
        // a DNS-rebinding page must not reach the pool's unsigned admin API.
        let poolHosts = AllowedHosts.listening(
            host: host,
            port: poolPort,
            extra: allowedHosts + [AllowedHosts.authority(ofURL: base)].compactMap { $0 }
        )
        let appHosts = AllowedHosts.listening(
            host: host,
            port: appPort,
            extra: allowedHosts + [AllowedHosts.authority(ofURL: appOrigin)].compactMap { $0 }
        )
        let poolApp = limits.application(
            buildLocalPoolRouter(
                api: CognitoAPI(service: service),
                adminAuthenticator: adminCredentials.map { Self.signatureCheck(key: $0.key, secret: $0.secret) }
            ),
            host: host,
            port: poolPort,
            serverName: "gatehouse-pool",
            allowed: poolHosts,
            logger: logger
        )
        let issuer = service.issuerURL(poolID: setup.pool.id)
        let apiURL = "http://\(publicHost):\(port)"
        let poolDirectory = LocalPoolDirectory(service: service, poolID: setup.pool.id)
        let configuration: GatehouseConfiguration
        let sessions: SessionSetup?
        do {
            configuration = try GatehouseConfiguration(
                inProcessPool: setup.pool.id,
                issuer: issuer,
                clientIDs: clientIDs,
                allowedOrigins: [appOrigin],
                environment: environment
            )
            // The session never outlives the refresh token: the client says how long that lives.
            let defaults = SessionSettings(
                endpoints: OAuthEndpoints(domain: base),
                clientID: sessionClient.id,
                clientSecret: sessionClient.secret,
                redirectURI: appOrigin + "/",
                logoutURI: appOrigin + "/",
                store: .sqlite(path: directory.appendingPathComponent("sessions.sqlite3").path),
                maxAge: min(SessionSettings.defaultMaxAge, Double(sessionClient.settings.refreshTokenSeconds))
            )
            sessions = try sessionSetup(try SessionSettings.from(environment, defaults: defaults), environment: environment, logger: logger)
        } catch {
            fail("configuration error: \(error)")
        }
        var services: [any Service] = [poolApp]
        var appLine = "not served (no web app folder found; see --web-dir)"
        if let assets = loadWebAssets(logger: logger) {
            var config = JSONWriter()
            config.add("domain", base)
            config.add("issuer", issuer)
            config.add("clientId", appClient.id)
            config.add("redirectUri", appOrigin + "/")
            config.add("logoutUri", appOrigin + "/")
            config.add("apiUrl", apiURL)
            config.add("storage", "session")
            if appMode == .cookie && sessions == nil { fail("--app-mode cookie needs cookie sessions, which are off") }
            config.add("mode", (appMode ?? (sessions == nil ? .storage : .cookie)).rawValue)
            let router = buildWebAppRouter(
                assets: assets,
                configuration: config.finish(),
                connectSources: [base, apiURL]
            )
            services.append(limits.application(router, host: host, port: appPort, serverName: "gatehouse-app", allowed: appHosts, logger: logger))
            appLine = appOrigin + "/"
        }
        let banner =
            ("""
            Gatehouse local pool \(setup.created ? "created" : "reused") in \(directory.path)
              app            \(appLine)
              demo user      \(setup.demoUsername) / \(setup.demoPassword)
              API            \(apiURL)/userinfo
              user pool      \(setup.pool.id)
              issuer         \(issuer)
              cognito-idp    \(base)   (boto3/AWS CLI: --endpoint-url \(base))
              SPA client     \(setup.spaClient.id)   (public, code + PKCE, callback \(appOrigin)/)
              confidential   \(setup.confidentialClient.id)   (secret in: gatehouse pool show)
              sessions       \(sessions.map { "cookie sessions, client \($0.settings.clientID)" } ?? "off")

            """)
        FileHandle.standardOutput.write(Data(banner.utf8))
        return LocalPoolWiring(
            services: services,
            configuration: configuration,
            pool: .inProcess(directory: poolDirectory, keys: poolDirectory, acceptsClient: { poolDirectory.hasClient($0) }),
            sessions: sessions
        )
    }

    /// The demo app's files (HTML, JavaScript, CSS, images) from `--web-dir`, `./Web`, or the
    /// source tree's `Web/`, read once; nil when none of them holds an `index.html`.
    private func loadWebAssets(logger: Logger) -> [String: WebAsset]? {
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Web").standardized.path
        let candidates = webDir.map { [$0] } ?? ["Web", sourceTree]
        let manager = FileManager.default
        guard let folder = candidates.first(where: { manager.fileExists(atPath: $0 + "/index.html") }) else {
            if webDir != nil { fail("--web-dir \(webDir!) has no index.html") }
            return nil
        }
        var assets: [String: WebAsset] = [:]
        for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] {
            // Regular files only: a symbolic link could point anywhere (`/etc/passwd`, the data directory).
            let path = folder + "/" + name
            guard let type = WebAsset.contentType(forFileName: name),
                (try? manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
                let data = manager.contents(atPath: path)
            else {
                continue
            }
            assets[name] = WebAsset(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        logger.debug("gatehouse.app.assets", metadata: ["gatehouse.app.folder": "\(folder)", "gatehouse.app.files": "\(assets.count)"])
        return assets
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
