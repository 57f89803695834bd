import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatehouseAWS
import GatehouseCore
import GatehouseHTTP
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// `gatehouse serve`: the userinfo API on loopback, against the configured user pool.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve GET /userinfo against a Cognito user pool.",
        discussion: """
            Configuration comes from GATEHOUSE_* environment variables (see the README); \
            flags override where both exist.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port of the API.")
    var port = 8080

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        // Run Swift concurrency on NIO's event loops: handlers then continue on the thread that
        // read the request instead of hopping to the cooperative pool and back.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let environment = ProcessInfo.processInfo.environment
        let level = (logLevel ?? environment["LOG_LEVEL"]).flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let format: GatehouseLogHandler.Format = environment["GATEHOUSE_LOG_FORMAT"]?.lowercased() == "json" ? .json : .plain
        LoggingSystem.bootstrap { label in
            GatehouseLogHandler(label: label, format: format, logLevel: level)
        }
        let logger = Logger(label: "gatehouse")

        guard GatehouseConfiguration.namesUserPool(environment) else {
            fail(
                """
                no user pool configured: set GATEHOUSE_USER_POOL_ID (and GATEHOUSE_CLIENT_IDS) to serve \
                against a Cognito user pool. The embedded local pool is not available in this version.
                """
            )
        }
        let configuration: GatehouseConfiguration
        let credentials: AWSCredentials
        do {
            configuration = try GatehouseConfiguration(environment: environment)
            credentials = try EnvironmentCredentials.load(from: environment)
        } catch {
            fail("configuration error: \(error)")
        }
        guard (0...65535).contains(port) else { fail("--port: must be 0 to 65535") }

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
        let app = buildApplication(
            dependencies: dependencies,
            httpClient: httpClient,
            host: host,
            port: port,
            logger: logger
        )
        try await app.runService()
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gatehouse: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
