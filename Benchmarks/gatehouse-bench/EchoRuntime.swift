import AsyncHTTPClient
import Foundation
import GatehouseLambda
import Logging
import NIOCore

/// The smallest custom runtime: each event answered with itself, through the same Runtime API
/// loop as the Lambda bootstrap. Run by `gatehouse serve --trigger NAME=…/gatehouse-bench
/// echo-runtime`, it measures the local pool's Runtime API hop with next to nothing of a handler's
/// own (scripts/bench_triggers.py).
struct EchoHandler: LambdaHandler {
    func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> ByteBuffer { invocation.event }
}

extension Bench {
    static func echoRuntime() async throws {
        guard let host = ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"] else {
            print("echo-runtime: AWS_LAMBDA_RUNTIME_API is not set")
            return
        }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let logger = Logger(label: "echo-runtime")
        try await LambdaLoop(runtime: HTTPRuntimeAPIClient(host: host, client: client), handler: EchoHandler(), logger: logger).run()
    }
}
