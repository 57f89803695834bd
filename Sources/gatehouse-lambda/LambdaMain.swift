import AsyncHTTPClient
import GatehouseAWS
import GatehouseComposition
import GatehouseCore
import GatehouseHTTP
import GatehouseLambda
import GatehouseSessions
import Hummingbird
import Logging
import NIOCore

/// The `bootstrap` of the Lambda function: read the configuration once, build the router and
/// its clients and caches once (by the composition `serve` uses too), fetch the signing keys,
/// then serve events until Lambda stops us: API Gateway proxy events (`GATEHOUSE_LAMBDA_HANDLER`
/// unset or `api`), or authorizer events (`authorizer`).
enum LambdaMain {
    /// Runs the function with `environment`, its HTTP client on `eventLoop`; returns the process
    /// exit status.
    static func run(environment: [String: String], eventLoop: any EventLoop, logger: Logger) async -> Int32 {
        guard let runtimeHost = environment["AWS_LAMBDA_RUNTIME_API"], !runtimeHost.isEmpty else {
            logger.critical(
                "gatehouse.lambda.no_runtime_api",
                metadata: ["gatehouse.problem": "AWS_LAMBDA_RUNTIME_API is not set; run this inside Lambda"]
            )
            return 1
        }
        // No client-wide read timeout: `next` is a long poll. Calls to AWS carry their own deadline.
        let httpClient = HTTPClient(
            eventLoopGroup: eventLoop,
            configuration: HTTPClient.Configuration(
                timeout: .init(connect: .seconds(2)),
                connectionPool: .init(idleTimeout: .seconds(300))
            )
        )
        let status = await serve(
            runtime: HTTPRuntimeAPIClient(host: runtimeHost, eventLoop: eventLoop),
            eventLoop: eventLoop,
            httpClient: httpClient,
            environment: environment,
            logger: logger
        )
        try? await httpClient.shutdown()
        return status
    }

    /// Initialises (or reports why it cannot) and runs the loop, its handlers on `eventLoop`, until
    /// the Runtime API fails.
    static func serve(
        runtime: some LambdaRuntimeAPI,
        eventLoop: (any EventLoop)? = nil,
        httpClient: HTTPClient,
        environment: [String: String],
        logger: Logger
    ) async -> Int32 {
        let configuration: GatehouseConfiguration
        let credentials: AWSCredentials
        let sessions: SessionSetup?
        let kind: LambdaHandlerKind
        let authorizer: AuthorizerSettings
        do {
            kind = try LambdaHandlerKind(environment: environment)
            authorizer = try AuthorizerSettings(environment: environment)
            configuration = try GatehouseConfiguration(environment: environment)
            credentials = try EnvironmentCredentials.load(from: environment)
            // Secrets named by ARN (the SAM template's way) are read once, here.
            let resolved = try await SecretsManager.resolve(
                environment,
                credentials: credentials,
                transport: HTTPClientTransport(client: httpClient),
                logger: logger
            )
            sessions = try sessionSetup(
                try SessionSettings.from(resolved),
                environment: resolved,
                home: .sharedOnly,
                transport: HTTPClientTransport(client: httpClient),
                logger: logger
            )
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
            metadata: [
                "gatehouse.pool": "\(configuration.userPoolID)", "gatehouse.jwks.keys": "\(dependencies.keys.keyCount)",
                "gatehouse.handler": "\(kind.rawValue)",
            ]
        )
        do {
            switch kind {
            case .api:
                let handler = GatewayHandler(responder: buildRouter(dependencies).buildResponder())
                try await LambdaLoop(runtime: runtime, handler: handler, logger: logger, eventLoop: eventLoop).run()
            case .authorizer:
                let handler = AuthorizerHandler(authenticator: dependencies.authenticator, settings: authorizer)
                try await LambdaLoop(runtime: runtime, handler: handler, logger: logger, eventLoop: eventLoop).run()
            }
        } catch {
            logger.critical("gatehouse.lambda.runtime_api_failed", metadata: ["gatehouse.error": "\(error)"])
        }
        return 1
    }
}
