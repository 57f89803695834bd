import CoreMetrics
public import Logging
import Synchronization

/// A bounded, short-lived cache in front of another ``UserDirectory``.
///
/// Found users are kept for ``timeToLive``, unknown users for ``negativeTimeToLive``;
/// throttling and outages are never cached. Concurrent lookups of one user share a request.
public final class CachedUserDirectory: UserDirectory {
    /// Seconds a found user is kept.
    public let timeToLive: Double
    /// Seconds an unknown user is remembered as unknown.
    public let negativeTimeToLive: Double
    /// The most users held.
    public let capacity: Int

    private typealias Outcome = Result<DirectoryUser, DirectoryError>

    private struct Entry {
        let outcome: Outcome
        let expiresAt: Double
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var inFlight: [String: Task<Outcome, Never>] = [:]
    }

    private let upstream: any UserDirectory
    private let clock: WallClock
    private let state = Mutex(State())

    /// Caches `upstream` with the given lifetimes.
    public init(
        upstream: any UserDirectory,
        timeToLive: Double = 60,
        negativeTimeToLive: Double = 5,
        capacity: Int = 10_000,
        clock: WallClock = .system
    ) {
        self.upstream = upstream
        self.timeToLive = timeToLive
        self.negativeTimeToLive = negativeTimeToLive
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    /// The number of users (and unknown names) held.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Forgets `username`, so the next lookup asks the upstream directory.
    public func invalidate(_ username: String) {
        state.withLock { $0.entries[username] = nil }
    }

    public func user(named username: String, logger: Logger) async throws(DirectoryError) -> DirectoryUser {
        let now = clock.now()
        enum Step {
            case hit(Outcome)
            case wait(Task<Outcome, Never>)
        }
        let step = state.withLock { state -> Step in
            if let entry = state.entries[username] {
                if now < entry.expiresAt { return .hit(entry.outcome) }
                state.entries[username] = nil
            }
            if let task = state.inFlight[username] { return .wait(task) }
            let task = Task { await self.load(username, logger: logger) }
            state.inFlight[username] = task
            return .wait(task)
        }
        switch step {
        case .hit(let outcome):
            GatehouseMetrics.userCacheHits.increment()
            return try outcome.get()
        case .wait(let task):
            GatehouseMetrics.userCacheMisses.increment()
            return try await task.value.get()
        }
    }

    private func load(_ username: String, logger: Logger) async -> Outcome {
        let outcome: Outcome
        do {
            outcome = .success(try await upstream.user(named: username, logger: logger))
        } catch {
            outcome = .failure(error)
        }
        let now = clock.now()
        state.withLock { state in
            state.inFlight[username] = nil
            let lifetime: Double
            switch outcome {
            case .success: lifetime = timeToLive
            case .failure(let error) where error.code == .userNotFound: lifetime = negativeTimeToLive
            case .failure: lifetime = 0
            }
            guard lifetime > 0 else { return }
            if state.entries.count >= capacity {
                state.entries = state.entries.filter { now < $0.value.expiresAt }
                if state.entries.count >= capacity {
                    for key in state.entries.keys.prefix(max(1, capacity / 4)) { state.entries[key] = nil }
                }
            }
            state.entries[username] = Entry(outcome: outcome, expiresAt: now + lifetime)
        }
        return outcome
    }
}
