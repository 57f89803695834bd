public import GatehouseCore
import GatehouseHTTP
public import Logging
public import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one event into one response body.
public protocol LambdaHandler: Sendable {
    /// Handles `invocation`; `logger` carries its request and trace ids.
    func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> ByteBuffer
}

/// A handler failure that knows how it should be reported (any other error is reported as a
/// generic handler error; its details go to the log only).
public protocol LambdaReportableError: Error {
    /// What the Runtime API is told.
    var report: LambdaErrorReport { get }
    /// Whether the failure is the function's answer rather than a fault (an authorizer's
    /// `Unauthorized`): logged at `info` instead of `error`, so refusals raise no alarms.
    var isAnswer: Bool { get }
}

extension LambdaReportableError {
    /// A fault, by default.
    public var isAnswer: Bool { false }
}

/// The runtime loop: fetch an event, handle it within its deadline, post the result or the
/// error, repeat. A failing handler never stops the loop; only the Runtime API refusing `next`
/// does (Lambda then replaces the environment).
public struct LambdaLoop<Runtime: LambdaRuntimeAPI, Handler: LambdaHandler>: Sendable {
    private let runtime: Runtime
    private let handler: Handler
    private let logger: Logger
    private let clock: WallClock
    private let deadlineMargin: Duration
    private let eventLoop: (any EventLoop)?

    /// A loop serving `handler` from `runtime`. Errors are reported `deadlineMargin` before
    /// the deadline, so the report arrives before Lambda stops the function. Given the event
    /// loop the loop runs on (its runtime client's), each handler and its deadline run there
    /// too, so an event is read, handled and answered without a hop to another thread.
    public init(
        runtime: Runtime,
        handler: Handler,
        logger: Logger,
        clock: WallClock = .system,
        deadlineMargin: Duration = .milliseconds(50),
        eventLoop: (any EventLoop)? = nil
    ) {
        self.eventLoop = eventLoop
        self.runtime = runtime
        self.handler = handler
        self.logger = logger
        self.clock = clock
        self.deadlineMargin = deadlineMargin
    }

    /// Runs until `next` fails (and rethrows that failure).
    public func run() async throws {
        while true {
            let invocation = try await runtime.next()
            await process(invocation)
        }
    }

    /// Handles one invocation and posts its outcome.
    func process(_ invocation: LambdaInvocation) async {
        var logger = self.logger
        logger[metadataKey: "gatehouse.request_id"] = "\(invocation.requestID)"
        if let trace = invocation.traceID {
            logger[metadataKey: "gatehouse.trace_id"] = "\(trace)"
            // The documented place for the trace header: X-Ray aware code reads it from here.
            setenv("_X_AMZN_TRACE_ID", trace, 1)
        } else {
            unsetenv("_X_AMZN_TRACE_ID")
        }
        let outcome = await outcome(of: invocation, logger: logger)
        do {
            switch outcome {
            case .success(let body):
                try await runtime.respond(requestID: invocation.requestID, body: body)
            case .failure(let report, let isAnswer):
                logger.log(
                    level: isAnswer ? .info : .error,
                    "gatehouse.lambda.invocation_failed",
                    metadata: ["gatehouse.error_type": "\(report.type)"]
                )
                try await runtime.fail(requestID: invocation.requestID, error: report)
            }
        } catch {
            logger.error("gatehouse.lambda.post_failed", metadata: ["gatehouse.error": "\(error)"])
            if case .success = outcome {
                // The response was refused (too large, say): tell Lambda the invocation failed.
                let report = LambdaErrorReport(type: "Runtime.ResponseRejected", message: "The runtime could not post the response")
                try? await runtime.fail(requestID: invocation.requestID, error: report)
            }
        }
    }

    typealias Outcome = LambdaOutcome

    /// The handler's result, or a deadline error if the deadline (less the margin) comes first.
    private func outcome(of invocation: LambdaInvocation, logger: Logger) async -> Outcome {
        let handler = self.handler
        let run: @Sendable () async -> Outcome = {
            do {
                return .success(try await handler.handle(invocation, logger: logger))
            } catch let error as any LambdaReportableError {
                return .failure(error.report, isAnswer: error.isAnswer)
            } catch {
                logger.error("gatehouse.lambda.handler_error", metadata: ["gatehouse.error": "\(error)"])
                return .failure(LambdaErrorReport(type: "Runtime.HandlerError", message: "The handler failed; see the function's log"))
            }
        }
        guard invocation.deadlineMilliseconds != .max else { return await run() }
        let remainingMilliseconds = Double(invocation.deadlineMilliseconds) - clock.now() * 1000
        let allowed = Duration.milliseconds(Int64(remainingMilliseconds)) - deadlineMargin
        let timedOut = Outcome.failure(
            LambdaErrorReport(type: "Runtime.DeadlineExceeded", message: "The invocation did not finish before its deadline")
        )
        guard allowed > .zero else { return timedOut }
        // The handler runs as its own task, so the report need not wait for it: a handler stuck
        // in a call that ignores cancellation is cancelled and left behind, and the deadline
        // error still goes out on time (Lambda freezes or replaces the environment after it).
        let first = FirstOutcome()
        let handling = Task(executorPreference: eventLoop.map(EventLoopTaskExecutor.init)) { first.resolve(await run()) }
        let (seconds, attoseconds) = allowed.components
        let timer = (eventLoop ?? MultiThreadedEventLoopGroup.singleton.any()).scheduleTask(
            in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        ) { first.resolve(timedOut) }
        let result = await first.value
        timer.cancel()
        handling.cancel()
        return result
    }
}

/// What one invocation came to.
enum LambdaOutcome: Sendable {
    case success(ByteBuffer)
    case failure(LambdaErrorReport, isAnswer: Bool = false)
}

/// Whichever outcome comes first, handed to the one waiter; later ones are dropped.
private final class FirstOutcome: Sendable {
    private struct State {
        var outcome: LambdaOutcome?
        var waiter: CheckedContinuation<LambdaOutcome, Never>?
    }

    private let state = Mutex(State())

    /// Offers `outcome`; only the first offer counts.
    func resolve(_ outcome: LambdaOutcome) {
        let waiter = state.withLock { state -> CheckedContinuation<LambdaOutcome, Never>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: outcome)
    }

    /// The first outcome, once there is one.
    var value: LambdaOutcome {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> LambdaOutcome? in
                    if let outcome = state.outcome { return outcome }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
