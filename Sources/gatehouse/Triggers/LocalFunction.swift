import Foundation
import LocalPool
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One trigger function run locally (`serve --trigger NAME=COMMAND`): its invocations, handed one
/// at a time to each of its runtime processes through their Runtime API (``RuntimeAPIServer``,
/// one per process, its `slot`), each answered or failed by its deadline. When every running
/// process is busy, a queued call asks for one more (``onBacklog``), up to ``processLimit``.
final class LocalFunction: Sendable {
    /// An invocation waiting for, or being handled by, a process.
    struct Invocation: Sendable {
        let id: String
        let event: [UInt8]
        /// Milliseconds since 1970.
        let deadline: Int64
    }

    private struct Waiter {
        let slot: Int
        let deliver: @Sendable (Invocation?) -> Void
    }

    private struct State {
        var queued: [Invocation] = []
        var waiting: [Waiter] = []
        var answers: [String: CheckedContinuation<Result<[UInt8], TriggerFailure>, Never>] = [:]
        /// Which process took each invocation being handled.
        var taken: [String: Int] = [:]
        var closed = false
        var onBacklog: (@Sendable (Int) -> Void)?
    }

    let name: String
    let command: String
    /// Seconds an invocation may take (Cognito waits 5).
    let timeout: Double
    /// The most processes run at once for overlapping calls.
    let processLimit: Int
    private let state = Mutex(State())

    init(name: String, command: String, timeout: Double = 5, processLimit: Int = 4) {
        self.name = name
        self.command = command
        self.timeout = timeout
        self.processLimit = max(1, processLimit)
    }

    /// Called (outside the lock) when a call finds no process waiting for it, with the number of
    /// calls now queued.
    func onBacklog(_ action: @escaping @Sendable (Int) -> Void) { state.withLock { $0.onBacklog = action } }

    /// The function's answer to `event`, or why there is none. Past the deadline the call fails
    /// and `onTimeout` runs with the slot of the process that had it (stuck in its handler: it is
    /// restarted).
    func invoke(_ event: [UInt8], onTimeout: @escaping @Sendable (Int) -> Void) async -> Result<[UInt8], TriggerFailure> {
        let id = Identifiers.uuid()
        let deadline = Int64((Date().timeIntervalSince1970 + timeout) * 1000)
        let invocation = Invocation(id: id, event: event, deadline: deadline)
        // A timer on an event loop (the caller's, when it runs on one): cheaper to set and cancel
        // on every call than a sleeping task.
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            let slot = self.state.withLock { $0.taken[id] }
            if self.finish(id, with: .failure(.timedOut)), let slot { onTimeout(slot) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let (waiter, backlog, queued): (Waiter?, (@Sendable (Int) -> Void)?, Int) = state.withLock { state in
                state.answers[id] = continuation
                guard !state.waiting.isEmpty else {
                    state.queued.append(invocation)
                    return (nil, state.onBacklog, state.queued.count)
                }
                let waiter = state.waiting.removeFirst()
                state.taken[id] = waiter.slot
                return (waiter, nil, 0)
            }
            waiter?.deliver(invocation)
            backlog?(queued)
        }
    }

    /// Hands the next invocation for the process in `slot` (`GET …/invocation/next`) to
    /// `deliver`, now or when a call comes; nil when the process it was for is gone, or the
    /// function is closed.
    func next(slot: Int, deliver: @escaping @Sendable (Invocation?) -> Void) {
        let ready: Invocation?? = state.withLock { state in
            if state.closed { return .some(nil) }
            // Invocations that timed out while queued are gone from `answers`.
            while let first = state.queued.first {
                state.queued.removeFirst()
                if state.answers[first.id] != nil {
                    state.taken[first.id] = slot
                    return first
                }
            }
            state.waiting.append(Waiter(slot: slot, deliver: deliver))
            return nil
        }
        if let ready { deliver(ready) }
    }

    /// Settles invocation `id`; false when it was settled already (or never existed).
    @discardableResult
    func finish(_ id: String, with result: Result<[UInt8], TriggerFailure>) -> Bool {
        let continuation = state.withLock { state in
            state.taken[id] = nil
            return state.answers.removeValue(forKey: id)
        }
        guard let continuation else { return false }
        continuation.resume(returning: result)
        return true
    }

    /// Ends the function for good (the server is stopping): pending and later `next` calls get
    /// nil, so the runtimes' long polls do not hold the shutdown.
    func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.deliver(nil) }
    }

    /// Fails every invocation the process in `slot` had taken, and forgets its waiting `next`
    /// calls (it died or was stopped). The other processes' invocations go on.
    func processGone(slot: Int, reason: String) {
        let (waiting, taken) = state.withLock { state in
            let waiting = state.waiting.filter { $0.slot == slot }
            state.waiting.removeAll { $0.slot == slot }
            let ids = state.taken.filter { $0.value == slot }.keys
            var taken: [CheckedContinuation<Result<[UInt8], TriggerFailure>, Never>] = []
            for id in ids {
                state.taken[id] = nil
                if let continuation = state.answers.removeValue(forKey: id) { taken.append(continuation) }
            }
            return (waiting, taken)
        }
        for waiter in waiting { waiter.deliver(nil) }
        for continuation in taken { continuation.resume(returning: .failure(.unreachable(reason: reason))) }
    }
}
