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

    /// A process's `next` long poll, answered on its connection's event loop.
    private struct Waiter {
        let ticket: Int
        let slot: Int
        let eventLoop: any EventLoop
        /// False when the poll's connection is gone: the invocation was not delivered.
        let deliver: @Sendable (Invocation?) -> Bool

        /// Gives the poll `invocation` (nil: the process is to stop) on its loop, after `before`;
        /// `undelivered` gets it back if the poll's connection closed meanwhile.
        func hand(
            _ invocation: Invocation?,
            before: @escaping @Sendable () -> Void = {},
            undelivered: @escaping @Sendable (Invocation) -> Void = { _ in }
        ) {
            let handing: @Sendable () -> Void = {
                before()
                if !deliver(invocation), let invocation { undelivered(invocation) }
            }
            eventLoop.inEventLoop ? handing() : eventLoop.execute(handing)
        }
    }

    /// A call waiting for its answer.
    private struct Pending {
        let continuation: CheckedContinuation<Result<[UInt8], TriggerFailure>, Never>
        let onTimeout: @Sendable (Int) -> Void
        var timer: Scheduled<Void>?
    }

    private struct State {
        var queued: [Invocation] = []
        var waiting: [Waiter] = []
        var pending: [String: Pending] = [:]
        /// Which process took each invocation being handled.
        var taken: [String: Int] = [:]
        var closed = false
        var tickets = 0
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
        let deadline = NIODeadline.now() + .milliseconds(Int64(timeout * 1000))
        let invocation = Invocation(id: id, event: event, deadline: Int64((Date().timeIntervalSince1970 + timeout) * 1000))
        return await withCheckedContinuation { continuation in
            let (waiter, backlog, queued): (Waiter?, (@Sendable (Int) -> Void)?, Int) = state.withLock { state in
                state.pending[id] = Pending(continuation: continuation, onTimeout: onTimeout)
                guard !state.waiting.isEmpty else {
                    state.queued.append(invocation)
                    return (nil, state.onBacklog, state.queued.count)
                }
                let waiter = state.waiting.removeFirst()
                state.taken[id] = waiter.slot
                return (waiter, nil, 0)
            }
            if let waiter {
                // The deadline's timer goes on the loop that answers the poll and reads the
                // response, where setting and cancelling it wakes no other thread.
                waiter.hand(invocation, before: { self.arm(id, deadline: deadline, on: waiter.eventLoop) }, undelivered: handBack)
            } else {
                arm(id, deadline: deadline, on: MultiThreadedEventLoopGroup.singleton.any())
                backlog?(queued)
            }
        }
    }

    /// Hands the next invocation for the process in `slot` (`GET …/invocation/next`) to
    /// `deliver`, on `eventLoop`, now or when a call comes; nil when the process it was for is
    /// gone, or the function is closed. `deliver` returns false when the poll's connection is
    /// gone; the invocation then goes to the next poll. A poll left waiting has a ticket, which
    /// withdraws it.
    @discardableResult
    func next(slot: Int, on eventLoop: any EventLoop, deliver: @escaping @Sendable (Invocation?) -> Bool) -> Int? {
        let (waiter, ready): (Waiter, Invocation??) = state.withLock { state in
            state.tickets += 1
            let waiter = Waiter(ticket: state.tickets, slot: slot, eventLoop: eventLoop, deliver: deliver)
            if state.closed { return (waiter, .some(nil)) }
            // Invocations that timed out while queued are gone from `pending`.
            while let first = state.queued.first {
                state.queued.removeFirst()
                if state.pending[first.id] != nil {
                    state.taken[first.id] = slot
                    return (waiter, first)
                }
            }
            state.waiting.append(waiter)
            return (waiter, nil)
        }
        guard let ready else { return waiter.ticket }
        waiter.hand(ready, undelivered: handBack)
        return nil
    }

    /// How many `next` polls wait for a call.
    var waitingPolls: Int { state.withLock { $0.waiting.count } }

    /// Forgets the poll with `ticket`: its connection closed before a call came (a runtime whose
    /// client gave up on the long poll, say).
    func withdraw(_ ticket: Int) {
        state.withLock { $0.waiting.removeAll { $0.ticket == ticket } }
    }

    /// Gives an invocation whose poll's connection had closed to the next poll, or puts it first
    /// in the queue; its deadline still runs.
    private func handBack(_ invocation: Invocation) {
        let waiter: Waiter? = state.withLock { state in
            state.taken[invocation.id] = nil
            guard state.pending[invocation.id] != nil else { return nil }
            guard !state.waiting.isEmpty else {
                state.queued.insert(invocation, at: 0)
                return nil
            }
            let waiter = state.waiting.removeFirst()
            state.taken[invocation.id] = waiter.slot
            return waiter
        }
        waiter?.hand(invocation, undelivered: handBack)
    }

    /// Settles invocation `id`; false when it was settled already (or never existed).
    @discardableResult
    func finish(_ id: String, with result: Result<[UInt8], TriggerFailure>) -> Bool {
        let pending = state.withLock { state in
            state.taken[id] = nil
            return state.pending.removeValue(forKey: id)
        }
        guard let pending else { return false }
        pending.timer?.cancel()
        pending.continuation.resume(returning: result)
        return true
    }

    /// Fails invocation `id` once its deadline passed, and tells its caller which process had it.
    private func expire(_ id: String) {
        let (pending, slot) = state.withLock { state in (state.pending.removeValue(forKey: id), state.taken.removeValue(forKey: id)) }
        guard let pending else { return }
        pending.continuation.resume(returning: .failure(.timedOut))
        if let slot { pending.onTimeout(slot) }
    }

    /// Sets invocation `id`'s deadline on `eventLoop`, unless it was settled already.
    private func arm(_ id: String, deadline: NIODeadline, on eventLoop: any EventLoop) {
        let timer = eventLoop.scheduleTask(deadline: deadline) { self.expire(id) }
        let settled = state.withLock { state in
            guard state.pending[id] != nil else { return true }
            state.pending[id]?.timer = timer
            return false
        }
        if settled { timer.cancel() }
    }

    /// Ends the function for good (the server is stopping): pending and later `next` calls get
    /// nil, so the runtimes' long polls do not hold the shutdown.
    func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.hand(nil) }
    }

    /// Fails every invocation the process in `slot` had taken, and forgets its waiting `next`
    /// calls (it died or was stopped). The other processes' invocations go on.
    func processGone(slot: Int, reason: String) {
        let (waiting, taken) = state.withLock { state in
            let waiting = state.waiting.filter { $0.slot == slot }
            state.waiting.removeAll { $0.slot == slot }
            let ids = state.taken.filter { $0.value == slot }.keys
            var taken: [Pending] = []
            for id in ids {
                state.taken[id] = nil
                if let pending = state.pending.removeValue(forKey: id) { taken.append(pending) }
            }
            return (waiting, taken)
        }
        for waiter in waiting { waiter.hand(nil) }
        for pending in taken {
            pending.timer?.cancel()
            pending.continuation.resume(returning: .failure(.unreachable(reason: reason)))
        }
    }
}
