import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird
import LocalPool
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The Lambda Runtime API (`2018-06-01`) of one local trigger function, on its own loopback
/// port, seen from the function's side: `GET …/invocation/next` hands over the next event with
/// its request id and deadline, `POST …/invocation/ID/response` and `…/ID/error` settle it,
/// `POST …/init/error` reports a runtime that could not start (it exits, and is restarted).
/// Running, it starts the function's process and stops it when the server stops.
final class RuntimeAPIServer: Service, Sendable {
    let function: LocalFunction
    let region: String
    let logger: Logger
    let process: Mutex<FunctionProcess?>

    init(function: LocalFunction, region: String, logger: Logger) {
        self.function = function
        self.region = region
        self.logger = logger
        self.process = Mutex(nil)
    }

    /// Kills the process when an invocation outlived its deadline.
    func restartProcess() { process.withLock { $0 }?.restart() }

    func run() async throws {
        let router = Router()
        let function = function
        let logger = logger
        let region = region
        let base = "/2018-06-01/runtime"
        router.get("\(base)/invocation/next") { _, _ -> Response in
            guard let invocation = await function.next() else { return Response(status: .gone) }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json",
                    HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!: invocation.id,
                    HTTPField.Name("Lambda-Runtime-Deadline-Ms")!: String(invocation.deadline),
                    HTTPField.Name("Lambda-Runtime-Invoked-Function-Arn")!:
                        "arn:aws:lambda:\(region):000000000000:function:\(function.name)",
                    HTTPField.Name("Lambda-Runtime-Trace-Id")!: "Root=1-00000000-000000000000000000000000;Sampled=0",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: invocation.event))
            )
        }
        router.post("\(base)/invocation/:id/response") { request, context -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 6 << 20))
            let settled = function.finish(try context.parameters.require("id"), with: .success(body))
            return Self.accepted(settled)
        }
        router.post("\(base)/invocation/:id/error") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let error = try? JSONParser.parse(Array(buffer: body))
            let message =
                error?.objectValue?["errorMessage"]?.stringValue
                ?? request.headers[HTTPField.Name("Lambda-Runtime-Function-Error-Type")!] ?? "Unhandled"
            let settled = function.finish(try context.parameters.require("id"), with: .failure(.handler(message: message)))
            return Self.accepted(settled)
        }
        router.post("\(base)/init/error") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            logger.error(
                "gatehouse.trigger.init_error",
                metadata: ["gatehouse.function": "\(function.name)", "gatehouse.error": "\(String(buffer: body).prefix(2048))"]
            )
            return Self.accepted(true)
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let started = FunctionProcess(function: function, runtimeAPI: "127.0.0.1:\(port)", region: region, logger: logger)
                self.process.withLock { $0 = started }
                started.start()
            },
            logger: Logger(label: "gatehouse.runtime-api", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        defer { process.withLock { $0 }?.stop() }
        // The runtime's `next` long poll is an open request: graceful shutdown would wait on it.
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            self.process.withLock { $0 }?.stop()
            function.close()
        }
    }

    /// `202` for an invocation settled now; `400` for one unknown or settled before (late, or
    /// past its deadline), as Lambda answers.
    static func accepted(_ settled: Bool) -> Response {
        let body = settled ? #"{"status":"OK"}"# : #"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#
        return Response(
            status: settled ? .accepted : .badRequest,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}

/// The local pool's triggers: functions given with `--trigger` run here; the others through
/// Lambda's Invoke API when the environment allows it.
struct LocalTriggers: TriggerInvoker {
    let servers: [String: RuntimeAPIServer]
    let invokeAPI: InvokeAPITriggers?

    func invoke(functionARN: String, functionName: String, event: [UInt8]) async throws(TriggerFailure) -> [UInt8] {
        guard let server = servers[functionName] else {
            guard let invokeAPI else {
                throw .unreachable(reason: "no --trigger \(functionName)=COMMAND, and no Lambda endpoint (AWS_ENDPOINT_URL_LAMBDA) or credentials")
            }
            return try await invokeAPI.invoke(functionARN: functionARN, functionName: functionName, event: event)
        }
        let result = await server.function.invoke(event) { server.restartProcess() }
        return try result.get()
    }

    /// `NAME=COMMAND` pairs (from `--trigger` and `GATEHOUSE_TRIGGERS`, separated by `;`), or
    /// nil when one is not a Lambda function name, `=`, and a command.
    static func parse(_ pairs: [String]) -> [(name: String, command: String)]? {
        var parsed: [(name: String, command: String)] = []
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let name = String(pair[..<equals])
            let command = String(pair[pair.index(after: equals)...])
            guard LambdaTriggers.functionName(of: "arn:aws:lambda:us-east-1:000000000000:function:" + name) == name,
                command.contains(where: { !$0.isWhitespace })
            else { return nil }
            parsed.append((name, command))
        }
        return parsed
    }
}
