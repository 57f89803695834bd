import Foundation
import LocalPool
import Logging
import Synchronization

/// One trigger function run locally (`serve --trigger NAME=COMMAND`): its invocations, handed one
/// at a time to the runtime process through the Runtime API (``RuntimeAPIServer``), each answered
/// or failed by its deadline.
final class LocalFunction: Sendable {
    /// An invocation waiting for, or being handled by, the process.
    struct Invocation: Sendable {
        let id: String
        let event: [UInt8]
        /// Milliseconds since 1970.
        let deadline: Int64
    }

    private struct State {
        var queued: [Invocation] = []
        var waiting: [CheckedContinuation<Invocation?, Never>] = []
        var answers: [String: CheckedContinuation<Result<[UInt8], TriggerFailure>, Never>] = [:]
        var closed = false
    }

    let name: String
    let command: String
    /// Seconds an invocation may take (Cognito waits 5).
    let timeout: Double
    private let state = Mutex(State())

    init(name: String, command: String, timeout: Double = 5) {
        self.name = name
        self.command = command
        self.timeout = timeout
    }

    /// The function's answer to `event`, or why there is none. Past the deadline the call fails
    /// and `onTimeout` runs (the process is stuck in its handler: it is restarted).
    func invoke(_ event: [UInt8], onTimeout: @escaping @Sendable () -> Void) async -> Result<[UInt8], TriggerFailure> {
        let id = UUID().uuidString.lowercased()
        let deadline = Int64((Date().timeIntervalSince1970 + timeout) * 1000)
        let invocation = Invocation(id: id, event: event, deadline: deadline)
        let timer = Task { [timeout] in
            try await Task.sleep(for: .seconds(timeout))
            if self.finish(id, with: .failure(.timedOut)) { onTimeout() }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let waiter: CheckedContinuation<Invocation?, Never>? = state.withLock { state in
                state.answers[id] = continuation
                if state.waiting.isEmpty {
                    state.queued.append(invocation)
                    return nil
                }
                return state.waiting.removeFirst()
            }
            waiter?.resume(returning: invocation)
        }
    }

    /// The next invocation for the process (`GET …/invocation/next`), waiting as long as it
    /// takes; nil when the process it was for is gone.
    func next() async -> Invocation? {
        await withCheckedContinuation { continuation in
            let ready: Invocation?? = state.withLock { state in
                if state.closed { return .some(nil) }
                // Invocations that timed out while queued are gone from `answers`.
                while let first = state.queued.first {
                    state.queued.removeFirst()
                    if state.answers[first.id] != nil { return first }
                }
                state.waiting.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Settles invocation `id`; false when it was settled already (or never existed).
    @discardableResult
    func finish(_ id: String, with result: Result<[UInt8], TriggerFailure>) -> Bool {
        guard let continuation = state.withLock({ $0.answers.removeValue(forKey: id) }) else { return false }
        continuation.resume(returning: result)
        return true
    }

    /// Ends the function for good (the server is stopping): pending and later `next` calls get
    /// nil, so the runtime's long poll does not hold the shutdown.
    func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume(returning: nil) }
    }

    /// Fails every invocation the process had taken, and forgets its waiting `next` calls (it
    /// died or was stopped).
    func processGone(reason: String) {
        let waiting = state.withLock { state in
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume(returning: nil) }
        let taken: [CheckedContinuation<Result<[UInt8], TriggerFailure>, Never>] = state.withLock { state in
            let queuedIDs = Set(state.queued.map(\.id))
            let taken = state.answers.filter { !queuedIDs.contains($0.key) }
            for id in taken.keys { state.answers[id] = nil }
            return Array(taken.values)
        }
        for continuation in taken { continuation.resume(returning: .failure(.unreachable(reason: reason))) }
    }
}
