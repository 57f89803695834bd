public import Logging

/// A bounded, short-lived cache in front of another ``UserDirectory`` (a ``TTLCache``).
///
/// Found users are kept for ``timeToLive``, unknown users for ``negativeTimeToLive``;
/// throttling and outages are never cached. Concurrent lookups of one user share a request.
public final class CachedUserDirectory: UserDirectory {
    /// Seconds a found user is kept.
    public let timeToLive: Double
    /// Seconds an unknown user is remembered as unknown.
    public let negativeTimeToLive: Double

    private let upstream: any UserDirectory
    private let clock: WallClock
    private let cache: TTLCache<String, Result<DirectoryUser, DirectoryError>>

    /// Caches `upstream` with the given lifetimes, at most `capacity` users, lookups counted in `metrics`.
    public init(
        upstream: any UserDirectory,
        timeToLive: Double = 60,
        negativeTimeToLive: Double = 5,
        capacity: Int = 10_000,
        clock: WallClock = .system,
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        self.upstream = upstream
        self.timeToLive = timeToLive
        self.negativeTimeToLive = negativeTimeToLive
        self.clock = clock
        cache = TTLCache(capacity: capacity, hits: metrics.userCacheHits, misses: metrics.userCacheMisses)
    }

    /// The most users held.
    public var capacity: Int { cache.capacity }

    /// The number of users (and unknown names) held.
    public var count: Int { cache.count }

    /// The number of lookups waiting for the upstream directory now (they share its calls).
    public var waitingLookups: Int { cache.waiting }

    /// Forgets `username`, so the next lookup asks the upstream directory.
    public func invalidate(_ username: String) {
        cache.remove(username)
    }

    public func user(named username: String, logger: Logger) async throws(DirectoryError) -> DirectoryUser {
        let (upstream, timeToLive, negativeTimeToLive, clock) = (self.upstream, self.timeToLive, self.negativeTimeToLive, self.clock)
        let outcome = await cache.value(for: username, now: clock.now()) {
            let outcome: Result<DirectoryUser, DirectoryError>
            do throws(DirectoryError) {
                outcome = .success(try await upstream.user(named: username, logger: logger))
            } catch {
                outcome = .failure(error)
            }
            let lifetime: Double
            switch outcome {
            case .success: lifetime = timeToLive
            case .failure(let error) where error.code == .userNotFound: lifetime = negativeTimeToLive
            case .failure: lifetime = 0
            }
            return (.success(outcome), lifetime > 0 ? clock.now() + lifetime : nil)
        }
        // The load never fails: its outcome (a user, or why not) is the cached value.
        guard case .success(let answer) = outcome else { throw DirectoryError(.unavailable, retryAfter: 1, detail: "user lookup") }
        return try answer.get()
    }
}
