import Foundation
import Logging
import Synchronization

/// The runtime process of a local trigger function: `COMMAND` run by `/bin/sh` (replaced by it
/// through `exec`, so a signal reaches the runtime itself) with the Lambda variables and
/// `AWS_LAMBDA_RUNTIME_API`, its output logged line by line tagged with the function, restarted
/// when it dies, stopped with the server.
final class FunctionProcess: Sendable {
    private struct State {
        var process: Process?
        var stopping = false
        var restarts = 0
    }

    let function: LocalFunction
    /// Which of the function's processes this is.
    let slot: Int
    let environment: [String: String]
    let logger: Logger
    private let state = Mutex(State())

    init(function: LocalFunction, slot: Int, runtimeAPI: String, region: String, logger: Logger) {
        self.function = function
        self.slot = slot
        var environment = ProcessInfo.processInfo.environment
        let name = function.name
        environment.merge(
            [
                "AWS_LAMBDA_RUNTIME_API": runtimeAPI, "AWS_LAMBDA_FUNCTION_NAME": name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/\(name)",
                "AWS_LAMBDA_LOG_STREAM_NAME": "local", "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
                "AWS_EXECUTION_ENV": "AWS_Lambda_gatehouse_local", "_HANDLER": name, "TZ": "UTC",
            ],
            uniquingKeysWith: { _, ours in ours }
        )
        self.environment = environment
        self.logger = logger
    }

    /// Starts the process (again, after it died).
    func start() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec " + function.command]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let name = function.name
        let logger = logger
        let pending = Mutex([UInt8]())
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            let lines: [String] = pending.withLock { buffer in
                buffer.append(contentsOf: data)
                if data.isEmpty, !buffer.isEmpty { buffer.append(0x0A) }
                var lines: [String] = []
                while let end = buffer.firstIndex(of: 0x0A) {
                    lines.append(String(decoding: buffer[..<end], as: UTF8.self))
                    buffer.removeSubrange(...end)
                }
                return lines
            }
            for line in lines { logger.info("gatehouse.trigger.output", metadata: ["gatehouse.function": "\(name)", "gatehouse.line": "\(line)"]) }
            if data.isEmpty { handle.readabilityHandler = nil }
        }
        process.terminationHandler = { [weak self] ended in
            self?.ended(status: ended.terminationStatus)
        }
        do {
            try process.run()
            state.withLock { $0.process = process }
            logger.info(
                "gatehouse.trigger.started",
                metadata: [
                    "gatehouse.function": "\(name)", "gatehouse.slot": "\(slot)", "gatehouse.pid": "\(process.processIdentifier)",
                    "gatehouse.runtime_api": "\(environment["AWS_LAMBDA_RUNTIME_API"] ?? "")",
                ]
            )
        } catch {
            logger.error("gatehouse.trigger.start_failed", metadata: ["gatehouse.function": "\(name)", "gatehouse.error": "\(error)"])
        }
    }

    private func ended(status: Int32) {
        let (stopping, restarts) = state.withLock { state in
            state.process = nil
            state.restarts += 1
            return (state.stopping, state.restarts)
        }
        function.processGone(slot: slot, reason: "the runtime process exited with status \(status)")
        guard !stopping else { return }
        logger.warning("gatehouse.trigger.exited", metadata: ["gatehouse.function": "\(function.name)", "gatehouse.status": "\(status)"])
        // A process that keeps dying is restarted less and less often, at most every 5 seconds.
        let delay = min(5, 0.05 * Double(1 << min(restarts, 7)))
        Task {
            try? await Task.sleep(for: .seconds(delay))
            if !self.state.withLock({ $0.stopping }) { self.start() }
        }
    }

    /// Kills a process stuck in its handler; it is restarted. SIGKILL: runtimes such as
    /// awslambdaric catch SIGTERM.
    func restart() {
        if let process = state.withLock({ $0.process }), process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Stops the process for good.
    func stop() {
        let process = state.withLock { state in
            state.stopping = true
            return state.process
        }
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
