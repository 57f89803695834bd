import CoreMetrics
public import Logging
import Synchronization

/// The keys of one issuer, fetched on demand and kept.
///
/// A `kid` not held triggers a refetch, at most once per ``minimumRefetchInterval``
/// (a penalty box, so unknown-`kid` floods cannot hammer the JWKS endpoint). Concurrent
/// refetches share one request (a ``TTLCache`` reload); keys already held keep working when a
/// refetch fails.
public final class JWKSCache: Sendable {
    /// The shortest time between two fetches, in seconds.
    public let minimumRefetchInterval: Double

    private let fetcher: any JWKSFetching
    private let clock: WallClock
    private let keys = TTLCache<Int, [String: RSAVerificationKey]>(capacity: 1)
    /// When the last fetch began (the penalty box).
    private let lastAttempt = Mutex<Double?>(nil)
    private let fetches: Counter
    private let failures: Counter

    /// A cache over `fetcher`, its fetches counted in `metrics`.
    public init(
        fetcher: any JWKSFetching,
        clock: WallClock = .system,
        minimumRefetchInterval: Double = 10,
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        self.fetcher = fetcher
        self.clock = clock
        self.minimumRefetchInterval = minimumRefetchInterval
        fetches = metrics.jwksFetches
        failures = metrics.jwksFetchFailures
    }

    /// The number of keys held.
    public var keyCount: Int { held.count }

    /// The number of lookups waiting for a fetch now (they share it).
    public var waitingLookups: Int { keys.waiting }

    private var held: [String: RSAVerificationKey] { keys.value(for: 0, now: 0) ?? [:] }

    /// The key with id `kid`, fetching the key set again if it is not held and the penalty box allows.
    public func key(id kid: String, logger: Logger) async throws(TokenError) -> RSAVerificationKey {
        if let key = held[kid] { return key }
        await refreshIfAllowed(logger: logger)
        let held = self.held
        if let key = held[kid] { return key }
        throw TokenError(held.isEmpty ? .keysUnavailable : .unknownKey, detail: "kid not in JWKS")
    }

    /// Fetches the key set now (at start-up), trying up to `attempts` times `retryDelay` apart.
    ///
    /// A failed prefetch does not count against the penalty box, so the first request that
    /// needs a key may try again at once.
    public func prefetch(logger: Logger, attempts: Int = 1, retryDelay: Duration = .milliseconds(100)) async {
        for attempt in 1...max(1, attempts) {
            await refreshIfAllowed(logger: logger)
            if keyCount > 0 { return }
            lastAttempt.withLock { $0 = nil }
            if attempt < attempts { try? await Task.sleep(for: retryDelay) }
        }
    }

    private func refreshIfAllowed(logger: Logger) async {
        let now = clock.now()
        let allowed = lastAttempt.withLock { last -> Bool in
            if let last, now - last < minimumRefetchInterval { return false }
            last = now
            return true
        }
        // Inside the penalty box a fetch already running is still worth waiting for.
        _ = await keys.reload(0, now: now) { [self] in
            guard allowed else { return (.failure(TokenError(.keysUnavailable, detail: "penalty box")), nil) }
            do {
                let keySet = try await fetcher.fetchKeySet(logger: logger)
                fetches.increment()
                logger.debug("gatehouse.jwks.fetched", metadata: ["gatehouse.jwks.keys": "\(keySet.keys.count)"])
                return (.success(keySet.keys), .infinity)
            } catch {
                failures.increment()
                logger.warning(
                    "gatehouse.jwks.fetch_failed",
                    metadata: ["gatehouse.jwks.error": "\(error)", "gatehouse.jwks.kept_keys": "\(keyCount)"]
                )
                return (.failure(error), nil)
            }
        }
    }
}
