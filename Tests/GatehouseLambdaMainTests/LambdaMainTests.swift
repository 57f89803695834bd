import AsyncHTTPClient
import GatehouseComposition
import GatehouseLambda
import Logging
import NIOCore
import Synchronization
import Testing

@testable import gatehouse_lambda

/// The Lambda bootstrap's start-up: configuration problems go to the Runtime API's init-error
/// endpoint, naming the variable and never a secret.
struct LambdaMainTests {
    static let logger = Logger(label: "lambda-main-test")

    @Test func configurationErrorsGoToTheInitErrorEndpoint() async throws {
        let runtime = InitErrorRecorder()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let status = await LambdaMain.serve(
            runtime: runtime,
            httpClient: client,
            environment: ["AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"],
            logger: Self.logger
        )
        try await client.shutdown()
        #expect(status == 1)
        guard let report = runtime.reports.first else {
            Issue.record("expected an init error, got \(runtime.reports)")
            return
        }
        #expect(report.type == "Runtime.ConfigurationError")
        #expect(report.message.contains("GATEHOUSE_USER_POOL_ID"))
        #expect(!report.message.contains("secret"))
    }

    @Test(arguments: [
        ("", "GATEHOUSE_SESSION_STORE"), ("memory", "GATEHOUSE_SESSION_STORE"), ("sqlite:/tmp/s.db", "GATEHOUSE_SESSION_STORE"),
        // DynamoDB is shared, but with no data directory the keys must be given.
        ("dynamodb:sessions", "GATEHOUSE_SESSION_KEYS"),
    ])
    func sessionsWithoutASharedStoreOrKeysRefuseToStart(store: String, variable: String) async throws {
        let runtime = InitErrorRecorder()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var environment = [
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
            "GATEHOUSE_USER_POOL_ID": "us-east-1_AbCdEf123", "GATEHOUSE_CLIENT_IDS": "abc",
            "GATEHOUSE_OAUTH_CLIENT_ID": "abc", "GATEHOUSE_OAUTH_CLIENT_SECRET": "client-secret-value",
            "GATEHOUSE_OAUTH_DOMAIN": "https://x.auth.us-east-1.amazoncognito.com",
            "GATEHOUSE_OAUTH_REDIRECT_URI": "https://app.example.com/",
        ]
        if !store.isEmpty { environment["GATEHOUSE_SESSION_STORE"] = store }
        let status = await LambdaMain.serve(runtime: runtime, httpClient: client, environment: environment, logger: Self.logger)
        try await client.shutdown()
        #expect(status == 1)
        guard let report = runtime.reports.first else {
            Issue.record("expected an init error, got \(runtime.reports)")
            return
        }
        #expect(report.type == "Runtime.ConfigurationError")
        #expect(report.message.contains(variable))
        #expect(!report.message.contains("client-secret-value"))
    }

    @Test(arguments: [("WARN", Logger.Level.warning), ("FATAL", .critical), ("debug", .debug), ("INFO", .info)])
    func lambdaLogLevelNames(name: String, level: Logger.Level) {
        #expect(LogSetup.level(named: name) == level)
    }
}

/// A Runtime API that has no events and records the init errors posted to it.
final class InitErrorRecorder: LambdaRuntimeAPI {
    struct NoEvents: Error {}
    private let posted = Mutex<[LambdaErrorReport]>([])

    var reports: [LambdaErrorReport] { posted.withLock { $0 } }

    func next() async throws -> LambdaInvocation { throw NoEvents() }
    func respond(requestID: String, body: ByteBuffer) async throws {}
    func fail(requestID: String, error: LambdaErrorReport) async throws {}
    func initFailed(_ error: LambdaErrorReport) async throws { posted.withLock { $0.append(error) } }
}
