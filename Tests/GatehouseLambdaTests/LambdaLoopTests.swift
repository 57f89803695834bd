import AsyncHTTPClient
import CGatehouseCompat
import Foundation
import GatehouseCore
import Logging
import NIOCore
import Synchronization
import Testing

@testable import GatehouseLambda

struct LambdaLoopTests {
    struct Echo: LambdaHandler {
        func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> ByteBuffer {
            let text = String(buffer: invocation.event)
            if text == "boom" { throw CancellationError() }
            if text == "refuse" { throw GatewayEventError(problem: "refused on purpose") }
            if text == "slow" { try await Task.sleep(for: .seconds(3600)) }
            return ByteBuffer(string: "echo:" + text)
        }
    }

    static func invocation(_ id: String, _ event: String, deadline: Int64 = .max) -> LambdaInvocation {
        LambdaInvocation(
            requestID: id,
            deadlineMilliseconds: deadline,
            traceID: "Root=1-5759e988-bd862e3fe1be46a994272793",
            event: ByteBuffer(string: event)
        )
    }

    static func run(_ runtime: FakeRuntime) async {
        let loop = LambdaLoop(runtime: runtime, handler: Echo(), logger: LambdaTestSupport.logger)
        await #expect(throws: FakeRuntime.Exhausted.self) { try await loop.run() }
    }

    @Test func responsesArePostedForEachInvocation() async {
        let runtime = FakeRuntime([Self.invocation("a", "one"), Self.invocation("b", "two")])
        await Self.run(runtime)
        #expect(runtime.posted == [.response("a", "echo:one"), .response("b", "echo:two")])
    }

    @Test func handlerErrorsAreReportedAndTheLoopGoesOn() async {
        let runtime = FakeRuntime([Self.invocation("a", "boom"), Self.invocation("b", "refuse"), Self.invocation("c", "fine")])
        await Self.run(runtime)
        let posted = runtime.posted
        #expect(posted.count == 3)
        // An unexpected error: a generic report, no internals.
        #expect(posted[0] == .error("a", LambdaErrorReport(type: "Runtime.HandlerError", message: "The handler failed; see the function's log")))
        guard posted.count == 3, case .error("b", let report) = posted[1] else {
            Issue.record("expected an error for b")
            return
        }
        #expect(report.type == "InvalidEventDataException")
        #expect(report.message.contains("refused on purpose"))
        #expect(posted[2] == .response("c", "echo:fine"))
    }

    /// The slow handler would sleep an hour: the loop must cut it off at its deadline. Under load
    /// that takes as long as the machine makes it, so no duration is asserted; a loop that waited
    /// for the handler would run into the time limit instead.
    /// A handler that ignores cancellation: it waits for a gate only the test opens, after the
    /// loop is done. A loop that waited for the handler before reporting would never finish.
    struct Stuck: LambdaHandler {
        let gate: Gate

        func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> ByteBuffer {
            if String(buffer: invocation.event) == "stuck" { await gate.wait() }
            return ByteBuffer(string: "echo:" + String(buffer: invocation.event))
        }
    }

    /// A one-shot gate that ignores cancellation.
    final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let open = state.withLock { state -> Bool in
                    if !state.open { state.waiters.append(continuation) }
                    return state.open
                }
                if open { continuation.resume() }
            }
        }

        func open() {
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    @Test(.timeLimit(.minutes(2))) func theDeadlineIsReportedEvenWhenTheHandlerIgnoresCancellation() async {
        let gate = Gate()
        let soon = Int64(Date().timeIntervalSince1970 * 1000) + 300
        let runtime = FakeRuntime([Self.invocation("stuck", "stuck", deadline: soon), Self.invocation("next", "quick")])
        let loop = LambdaLoop(runtime: runtime, handler: Stuck(gate: gate), logger: LambdaTestSupport.logger)
        await #expect(throws: FakeRuntime.Exhausted.self) { try await loop.run() }
        // Both were posted while the stuck handler still waited.
        #expect(
            runtime.posted == [
                .error("stuck", LambdaErrorReport(type: "Runtime.DeadlineExceeded", message: "The invocation did not finish before its deadline")),
                .response("next", "echo:quick"),
            ]
        )
        gate.open()
    }

    @Test(.timeLimit(.minutes(2))) func theDeadlineIsHonoured() async {
        let soon = Int64(Date().timeIntervalSince1970 * 1000) + 300
        let runtime = FakeRuntime([Self.invocation("late", "slow", deadline: soon), Self.invocation("next", "quick")])
        await Self.run(runtime)
        #expect(
            runtime.posted == [
                .error("late", LambdaErrorReport(type: "Runtime.DeadlineExceeded", message: "The invocation did not finish before its deadline")),
                .response("next", "echo:quick"),
            ]
        )
    }

    @Test func aDeadlineAlreadyPastIsReportedWithoutRunningTheHandler() async {
        let runtime = FakeRuntime([Self.invocation("past", "one", deadline: 1)])
        await Self.run(runtime)
        guard case .error("past", let report) = runtime.posted.first else {
            Issue.record("expected a deadline error")
            return
        }
        #expect(report.type == "Runtime.DeadlineExceeded")
    }

    @Test func errorReportHasTheDocumentedShape() {
        let json = LambdaErrorReport(type: "Runtime.X", message: "said \"no\"").json
        let object = LambdaTestSupport.object(ByteBuffer(bytes: json))
        #expect(object["errorType"] as? String == "Runtime.X")
        #expect(object["errorMessage"] as? String == "said \"no\"")
        #expect((object["stackTrace"] as? [Any])?.isEmpty == true)
    }
}

/// The bootstrap's hypot goes through glibc's oldest symbol version; the answers must not change.
struct CompatTests {
    @Test(arguments: [(3.0, 4.0), (1e300, 1e300), (5e-324, 0), (-7.5, 2.25), (.infinity, .nan), (0, 0)])
    func hypotMatchesTheCurrentLibrary(x: Double, y: Double) {
        let expected = Foundation.hypot(x, y)
        let actual = gatehouse_compat_hypot(x, y)
        #expect(actual == expected || (actual.isNaN && expected.isNaN))
        #expect(gatehouse_compat_hypotf(Float(x), Float(y)) == Foundation.hypotf(Float(x), Float(y)))
    }
}
