import CoreMetrics
public import Logging
import Synchronization

/// The keys of one issuer, fetched on demand and kept.
///
/// A `kid` not held triggers a refetch, at most once per ``minimumRefetchInterval``
/// (a penalty box, so unknown-`kid` floods cannot hammer the JWKS endpoint). Concurrent
/// refetches share one request; keys already held keep working when a refetch fails.
public final class JWKSCache: Sendable {
    /// The shortest time between two fetches, in seconds.
    public let minimumRefetchInterval: Double

    private struct State {
        var keys: [String: RSAVerificationKey] = [:]
        var lastAttempt: Double?
        var inFlight: Task<Void, Never>?
    }

    private let fetcher: any JWKSFetching
    private let clock: WallClock
    private let state = Mutex(State())

    /// A cache over `fetcher`.
    public init(fetcher: any JWKSFetching, clock: WallClock = .system, minimumRefetchInterval: Double = 10) {
        self.fetcher = fetcher
        self.clock = clock
        self.minimumRefetchInterval = minimumRefetchInterval
    }

    /// The number of keys held.
    public var keyCount: Int { state.withLock { $0.keys.count } }

    /// The key with id `kid`, fetching the key set again if it is not held and the penalty box allows.
    public func key(id kid: String, logger: Logger) async throws(TokenError) -> RSAVerificationKey {
        if let key = state.withLock({ $0.keys[kid] }) { return key }
        await refreshIfAllowed(logger: logger)
        return try state.withLock { (state) throws(TokenError) -> RSAVerificationKey in
            if let key = state.keys[kid] { return key }
            throw TokenError(state.keys.isEmpty ? .keysUnavailable : .unknownKey, detail: "kid not in JWKS")
        }
    }

    /// Fetches the key set now (at start-up), trying up to `attempts` times `retryDelay` apart.
    ///
    /// A failed prefetch does not count against the penalty box, so the first request that
    /// needs a key may try again at once.
    public func prefetch(logger: Logger, attempts: Int = 1, retryDelay: Duration = .milliseconds(100)) async {
        for attempt in 1...max(1, attempts) {
            await refreshIfAllowed(logger: logger)
            if keyCount > 0 { return }
            state.withLock { $0.lastAttempt = nil }
            if attempt < attempts { try? await Task.sleep(for: retryDelay) }
        }
    }

    private func refreshIfAllowed(logger: Logger) async {
        let now = clock.now()
        let task = state.withLock { state -> Task<Void, Never>? in
            if let inFlight = state.inFlight { return inFlight }
            if let last = state.lastAttempt, now - last < minimumRefetchInterval { return nil }
            state.lastAttempt = now
            let task = Task { await self.fetch(logger: logger) }
            state.inFlight = task
            return task
        }
        await task?.value
    }

    private func fetch(logger: Logger) async {
        defer { state.withLock { $0.inFlight = nil } }
        do {
            let keySet = try await fetcher.fetchKeySet(logger: logger)
            state.withLock { $0.keys = keySet.keys }
            GatehouseMetrics.jwksFetches.increment()
            logger.debug("gatehouse.jwks.fetched", metadata: ["gatehouse.jwks.keys": "\(keySet.keys.count)"])
        } catch {
            GatehouseMetrics.jwksFetchFailures.increment()
            logger.warning(
                "gatehouse.jwks.fetch_failed",
                metadata: ["gatehouse.jwks.error": "\(error)", "gatehouse.jwks.kept_keys": "\(keyCount)"]
            )
        }
    }
}
