import AsyncHTTPClient
import GatehouseAWS
import GatehouseComposition
import GatehouseCore
import GatehouseHTTP
import GatehouseSessions
import Hummingbird
import Logging
import NIOCore
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `bootstrap` of the Lambda function: read the configuration once, build the router and
/// its clients and caches once, fetch the signing keys, then serve events until Lambda stops us.
public enum LambdaMain {
    /// Runs the function with the process's environment; returns the process exit status.
    public static func run() async -> Int32 {
        await run(environment: ProcessInfo.processInfo.environment)
    }

    /// Runs the function with `environment`; returns the process exit status.
    public static func run(environment: [String: String]) async -> Int32 {
        let logger = bootstrapLogging(environment)
        guard let runtimeHost = environment["AWS_LAMBDA_RUNTIME_API"], !runtimeHost.isEmpty else {
            logger.critical(
                "gatehouse.lambda.no_runtime_api",
                metadata: ["gatehouse.problem": "AWS_LAMBDA_RUNTIME_API is not set; run this inside Lambda"]
            )
            return 1
        }
        // No client-wide read timeout: `next` is a long poll. Calls to AWS carry their own deadline.
        let httpClient = HTTPClient(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: HTTPClient.Configuration(
                timeout: .init(connect: .seconds(2)),
                connectionPool: .init(idleTimeout: .seconds(300))
            )
        )
        let status = await serve(
            runtime: HTTPRuntimeAPIClient(host: runtimeHost, client: httpClient),
            httpClient: httpClient,
            environment: environment,
            logger: logger
        )
        try? await httpClient.shutdown()
        return status
    }

    /// Initialises (or reports why it cannot) and runs the loop until the Runtime API fails.
    static func serve(runtime: some LambdaRuntimeAPI, httpClient: HTTPClient, environment: [String: String], logger: Logger) async -> Int32 {
        let configuration: GatehouseConfiguration
        let credentials: AWSCredentials
        let sessions: SessionSetup?
        do {
            configuration = try GatehouseConfiguration(environment: environment)
            credentials = try EnvironmentCredentials.load(from: environment)
            // Secrets named by ARN (the SAM template's way) are read once, here.
            let resolved = try await SecretsManager.resolve(
                environment,
                credentials: credentials,
                transport: HTTPClientTransport(client: httpClient),
                logger: logger
            )
            sessions = try sessionSetup(resolved, transport: HTTPClientTransport(client: httpClient))
        } catch {
            // Reported once to the init-error endpoint, naming the variable; Lambda shows it as
            // the reason the function could not start instead of restarting it in a loop.
            let report = LambdaErrorReport(type: "Runtime.ConfigurationError", message: "Gatehouse configuration error: \(error)")
            logger.critical("gatehouse.lambda.configuration_error", metadata: ["gatehouse.error": "\(error)"])
            do {
                try await runtime.initFailed(report)
            } catch {
                logger.error("gatehouse.lambda.init_error_not_posted", metadata: ["gatehouse.error": "\(error)"])
            }
            return 1
        }
        let dependencies = buildDependencies(
            configuration: configuration,
            pool: .cognito(credentials: StaticCredentialProvider(credentials)),
            httpClient: httpClient,
            sessions: sessions
        )
        // One attempt: if the keys cannot be had now, the first request fetches them.
        await dependencies.keys.prefetch(logger: logger)
        logger.info(
            "gatehouse.lambda.ready",
            metadata: ["gatehouse.pool": "\(configuration.userPoolID)", "gatehouse.jwks.keys": "\(dependencies.keys.keyCount)"]
        )
        let handler = GatewayHandler(responder: buildRouter(dependencies).buildResponder())
        do {
            try await LambdaLoop(runtime: runtime, handler: handler, logger: logger).run()
        } catch {
            logger.critical("gatehouse.lambda.runtime_api_failed", metadata: ["gatehouse.error": "\(error)"])
        }
        return 1
    }

    /// Cookie sessions, when configured: on Lambda the store must be one every instance shares
    /// (DynamoDB; memory and SQLite would sign users out at random) and the keys come from
    /// `GATEHOUSE_SESSION_KEYS` (there is no data directory to keep one in).
    static func sessionSetup(_ environment: [String: String], transport: any AWSTransport) throws(ConfigurationError) -> SessionSetup? {
        guard let settings = try SessionSettings.from(environment) else { return nil }
        guard case .dynamodb(let table) = settings.store else {
            throw ConfigurationError(
                variable: SessionSettings.Variable.store,
                problem: "cookie sessions on Lambda need a store all instances share (dynamodb:TABLE); memory and sqlite are per instance"
            )
        }
        guard let keyText = settings.keys else {
            throw ConfigurationError(variable: SessionSettings.Variable.keys, problem: "not set (cookie sessions on Lambda need their sealing keys)")
        }
        let keys: SessionKeys
        do {
            keys = try SessionKeys(parsing: keyText)
        } catch {
            throw ConfigurationError(variable: SessionSettings.Variable.keys, problem: "\(error)")
        }
        let store = DynamoDBSessionStore(dynamoDB: try DynamoDB(environment: environment, transport: transport), table: table)
        return SessionSetup(settings: settings, keys: keys, store: store)
    }

    /// JSON lines when `AWS_LAMBDA_LOG_FORMAT=JSON` (or `GATEHOUSE_LOG_FORMAT=json`), plain
    /// otherwise; the level from `AWS_LAMBDA_LOG_LEVEL` or `LOG_LEVEL`.
    static func bootstrapLogging(_ environment: [String: String]) -> Logger {
        let format: GatehouseLogHandler.Format =
            environment["AWS_LAMBDA_LOG_FORMAT"]?.uppercased() == "JSON" || environment["GATEHOUSE_LOG_FORMAT"]?.lowercased() == "json"
            ? .json : .plain
        let level = logLevel(environment["AWS_LAMBDA_LOG_LEVEL"] ?? environment["LOG_LEVEL"]) ?? .info
        LoggingSystem.bootstrap { label in GatehouseLogHandler(label: label, format: format, logLevel: level) }
        return Logger(label: "gatehouse")
    }

    /// Lambda's level names (`TRACE` … `FATAL`, `WARN`) and swift-log's.
    static func logLevel(_ name: String?) -> Logger.Level? {
        guard let name = name?.lowercased() else { return nil }
        switch name {
        case "warn": return .warning
        case "fatal": return .critical
        default: return Logger.Level(rawValue: name)
        }
    }
}
