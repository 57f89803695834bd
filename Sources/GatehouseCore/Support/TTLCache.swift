public import CoreMetrics
import Synchronization

/// The one cache of Gatehouse: bounded, each entry kept until its own expiry, and loads of one
/// key shared by every caller waiting for it (single flight). Verified tokens, users, revocation
/// answers, unsealed session tokens, the local pool's pools and clients and the JWKS all live in
/// one of these.
///
/// Full, it drops expired entries first, then the oldest quarter by insertion: a flood of new
/// keys costs one sort per quarter of the capacity, and the newest entries stay.
public final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The most entries held.
    public let capacity: Int

    private struct Entry {
        let value: Value
        let expiresAt: Double
        let sequence: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var inFlight: [Key: Task<Result<Value, any Error>, Never>] = [:]
        var sequence: UInt64 = 0
        var waiting = 0
    }

    private let state = Mutex(State())
    private let hits: Counter?
    private let misses: Counter?

    /// A cache of at most `capacity` entries, counting lookups on `hits` and `misses` when given.
    public init(capacity: Int = 10_000, hits: Counter? = nil, misses: Counter? = nil) {
        self.capacity = max(1, capacity)
        self.hits = hits
        self.misses = misses
    }

    /// The number of entries held (expired ones included until they are dropped).
    public var count: Int { state.withLock { $0.entries.count } }

    /// The number of callers waiting for a load now (all of them share the loads in flight).
    public var waiting: Int { state.withLock { $0.waiting } }

    /// The value for `key` when it has one that has not expired at `now`.
    public func value(for key: Key, now: Double) -> Value? {
        let found = state.withLock { state -> Value? in
            guard let entry = state.entries[key] else { return nil }
            guard now < entry.expiresAt else {
                state.entries[key] = nil
                return nil
            }
            return entry.value
        }
        (found == nil ? misses : hits)?.increment()
        return found
    }

    /// Keeps `value` for `key` until `expiresAt` (`.infinity`: until removed).
    public func insert(_ value: Value, for key: Key, until expiresAt: Double, now: Double = 0) {
        state.withLock { state in Self.insert(value, for: key, until: expiresAt, now: now, into: &state, capacity: capacity) }
    }

    /// Removes and returns the value for `key`, when it has one that has not expired at `now`:
    /// of callers taking the same key at once, one gets it.
    public func take(_ key: Key, now: Double) -> Value? {
        state.withLock { state in
            guard let entry = state.entries.removeValue(forKey: key), now < entry.expiresAt else { return nil }
            return entry.value
        }
    }

    /// Forgets `key`.
    public func remove(_ key: Key) {
        state.withLock { _ = $0.entries.removeValue(forKey: key) }
    }

    /// Forgets everything.
    public func removeAll() {
        state.withLock { $0.entries.removeAll(keepingCapacity: true) }
    }

    /// The value for `key`, or what `load` answers, shared by every caller that asks for `key`
    /// while it runs. A success is kept until the expiry `load` gives with it (nil: not kept).
    public func value(
        for key: Key,
        now: Double,
        load: @escaping @Sendable () async -> (result: Result<Value, any Error>, expiresAt: Double?)
    ) async -> Result<Value, any Error> {
        if let cached = value(for: key, now: now) { return .success(cached) }
        return await shared(key, now: now, load: load)
    }

    /// Runs `load` for `key` whatever is held (a refresh), shared with every concurrent load of
    /// `key`; a success is kept as ``value(for:now:load:)`` keeps it, a failure keeps what was held.
    public func reload(
        _ key: Key,
        now: Double,
        load: @escaping @Sendable () async -> (result: Result<Value, any Error>, expiresAt: Double?)
    ) async -> Result<Value, any Error> {
        await shared(key, now: now, load: load)
    }

    private func shared(
        _ key: Key,
        now: Double,
        load: @escaping @Sendable () async -> (result: Result<Value, any Error>, expiresAt: Double?)
    ) async -> Result<Value, any Error> {
        let task = state.withLock { state -> Task<Result<Value, any Error>, Never> in
            if let running = state.inFlight[key] { return running }
            let task = Task<Result<Value, any Error>, Never> {
                let (result, expiresAt) = await load()
                self.state.withLock { state in
                    state.inFlight[key] = nil
                    if case .success(let value) = result, let expiresAt {
                        Self.insert(value, for: key, until: expiresAt, now: now, into: &state, capacity: self.capacity)
                    }
                }
                return result
            }
            state.inFlight[key] = task
            return task
        }
        state.withLock { $0.waiting += 1 }
        defer { state.withLock { $0.waiting -= 1 } }
        return await task.value
    }

    private static func insert(_ value: Value, for key: Key, until expiresAt: Double, now: Double, into state: inout State, capacity: Int) {
        if state.entries.count >= capacity, state.entries[key] == nil {
            state.entries = state.entries.filter { now < $0.value.expiresAt }
            if state.entries.count >= capacity {
                let oldest = state.entries.sorted { $0.value.sequence < $1.value.sequence }.prefix(max(1, capacity / 4))
                for (old, _) in oldest { state.entries[old] = nil }
            }
        }
        state.sequence += 1
        state.entries[key] = Entry(value: value, expiresAt: expiresAt, sequence: state.sequence)
    }
}
