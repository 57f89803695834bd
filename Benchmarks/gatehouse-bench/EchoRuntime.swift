import AsyncHTTPClient
import Foundation
import GatehouseHTTP
import GatehouseLambda
import Logging
import NIOCore
import NIOPosix

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
        // As the Lambda bootstrap runs (Sources/gatehouse-lambda/main.swift): the loop and its
        // Runtime API connection on one event loop, so each event is read, handled and answered
        // on one thread.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let logger = Logger(label: "echo-runtime")
        try await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop)) {
            let runtime = HTTPRuntimeAPIClient(host: host, eventLoop: eventLoop)
            try await LambdaLoop(runtime: runtime, handler: EchoHandler(), logger: logger, eventLoop: eventLoop).run()
        }
    }

    /// `count` keep-alive GETs of `url` through the echo runtime's client set-up (one event loop,
    /// async-http-client): the median milliseconds of one, the floor under each of the hop's two
    /// exchanges.
    static func exchange(url: String, count: Int) async throws {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let client = HTTPClient(eventLoopGroup: eventLoop)
        let times = try await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop)) {
            var times: [Double] = []
            for index in 0..<(count + 100) {
                let start = seconds()
                let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 20)
                // The first hundred warm the connection and the caches.
                if index >= 100 { times.append((seconds() - start) * 1000) }
            }
            return times
        }
        try await client.shutdown()
        let median = times.sorted()[times.count / 2]
        print(String(format: "one keep-alive exchange (GET, async-http-client on one event loop): median %.3f ms over %d", median, count))
    }
}
