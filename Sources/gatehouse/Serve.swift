import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatehouseAWS
import GatehouseCore
import GatehouseHTTP
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

    @Option(help: "Origin of the web app, allowed by CORS and registered as the SPA client's callback.")
    var appOrigin = "http://127.0.0.1:3000"

    @Option(help: "Directory holding the local pool's database.")
    var dataDir = ".gatehouse"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

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
        guard (0...65535).contains(port), (0...65535).contains(poolPort) else { fail("--port and --pool-port must be 0 to 65535") }

        var services: [any Service] = []
        if !GatehouseConfiguration.namesUserPool(environment) {
            let (poolApp, overrides) = try await startLocalPool(logger: logger)
            services.append(poolApp)
            environment.merge(overrides) { current, _ in current }
        }

        let configuration: GatehouseConfiguration
        let credentials: AWSCredentials
        do {
            configuration = try GatehouseConfiguration(environment: environment)
            credentials = try EnvironmentCredentials.load(from: environment)
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
        let dependencies = buildDependencies(
            configuration: configuration,
            credentials: StaticCredentialProvider(credentials),
            httpClient: httpClient
        )
        logger.info(
            "gatehouse.serve.starting",
            metadata: [
                "gatehouse.pool": "\(configuration.userPoolID)",
                "gatehouse.issuer": "\(configuration.issuer)",
                "gatehouse.jwks_url": "\(configuration.jwksURL)",
                "gatehouse.cognito_endpoint": "\(configuration.cognitoEndpoint)",
                "gatehouse.token_use": "\(configuration.tokenUse.rawValue)",
            ]
        )
        services.append(buildApplication(dependencies: dependencies, httpClient: httpClient, host: host, port: port, logger: logger))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }

    /// Opens the local pool (creating it on first run), prints where everything is, and returns
    /// its server and the settings that point the API at it.
    private func startLocalPool(logger: Logger) async throws -> (any Service, [String: String]) {
        let directory = URL(fileURLWithPath: dataDir, isDirectory: true)
        var base = poolURL ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(poolPort)"
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else { fail("--pool-url must be an http(s) URL") }
        let service: LocalPoolService
        let setup: LocalPoolSetup
        do {
            service = LocalPoolService(database: try PoolDatabase(directory: directory), baseURL: base, logger: logger)
            setup = try await LocalPoolBootstrap.ensure(service: service, appOrigin: appOrigin, dataDirectory: directory)
        } catch {
            fail("the local pool in \(directory.path) could not be opened: \(error)")
        }
        let app = Application(
            router: buildLocalPoolRouter(api: CognitoAPI(service: service)),
            configuration: .init(address: .hostname(host, port: poolPort), serverName: "gatehouse-pool"),
            logger: logger
        )
        let issuer = service.issuerURL(poolID: setup.pool.id)
        let banner =
            ("""
            Gatehouse local pool \(setup.created ? "created" : "reused") in \(directory.path)
              user pool      \(setup.pool.id)
              issuer         \(issuer)
              cognito-idp    \(base)   (boto3/AWS CLI: --endpoint-url \(base))
              SPA client     \(setup.spaClient.id)   (public, code + PKCE, callback \(appOrigin)/)
              confidential   \(setup.confidentialClient.id)   (secret in: gatehouse pool show)
              demo user      \(setup.demoUsername) / \(setup.demoPassword)
              API            http://\(host):\(port)/userinfo

            """)
        FileHandle.standardOutput.write(Data(banner.utf8))
        let overrides = [
            "GATEHOUSE_ISSUER": issuer,
            "GATEHOUSE_COGNITO_ENDPOINT": base,
            "GATEHOUSE_CLIENT_IDS": "\(setup.spaClient.id),\(setup.confidentialClient.id)",
            "GATEHOUSE_ALLOWED_ORIGINS": appOrigin,
            // The local pool takes any well-formed SigV4 credentials.
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        ]
        return (app, overrides)
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gatehouse: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
