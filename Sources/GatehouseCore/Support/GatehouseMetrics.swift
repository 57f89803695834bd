public import CoreMetrics
import Synchronization

/// The counters and timers of Gatehouse's services, made once from one metrics factory and handed
/// to each part by the composition (a test hands its own factory in, and sees its own figures
/// only). Labels are fixed words and route templates, never raw paths, user names or tokens. The
/// HTTP families live with the HTTP layers (GatehouseEdge's `RequestMetrics`, the proxy's).
public struct GatehouseMetrics: Sendable {
    /// Verified-token cache lookups that found a token, and those that did not.
    public let tokenCacheHits: Counter
    /// Verified-token cache lookups that found nothing usable.
    public let tokenCacheMisses: Counter
    /// User-attribute cache lookups answered from the cache.
    public let userCacheHits: Counter
    /// User-attribute cache lookups that went (or waited) upstream.
    public let userCacheMisses: Counter
    /// JWKS fetches that succeeded.
    public let jwksFetches: Counter
    /// JWKS fetches that failed (the keys held are kept).
    public let jwksFetchFailures: Counter
    /// Calls to AWS (or the local pool's cognito-idp API, or the OAuth endpoints): `service`,
    /// `operation`, `outcome` (`success`, or the error code).
    public let upstreamCalls: MetricFamily
    /// How long upstream calls took, retries included: `service`, `operation`.
    public let upstreamDuration: MetricFamily
    /// Sessions created (logins ended).
    public let sessionsCreated: Counter
    /// Sessions ended, by `reason` (`logout`, `refresh_refused`, …).
    public let sessionsEnded: MetricFamily
    /// Refresh grants, by `outcome` (`success`, `refused`, `unavailable`).
    public let refreshGrants: MetricFamily
    /// Revocation checks of bearer tokens, by `answer` (`live`, `revoked`, `cached`, `unavailable`).
    public let revocationChecks: MetricFamily

    /// The metrics, made by `factory` (by default the process's, as the executable bootstrapped it).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        tokenCacheHits = Counter(label: "gatehouse_token_cache_lookups_total", dimensions: [("result", "hit")], factory: factory)
        tokenCacheMisses = Counter(label: "gatehouse_token_cache_lookups_total", dimensions: [("result", "miss")], factory: factory)
        userCacheHits = Counter(label: "gatehouse_user_cache_lookups_total", dimensions: [("result", "hit")], factory: factory)
        userCacheMisses = Counter(label: "gatehouse_user_cache_lookups_total", dimensions: [("result", "miss")], factory: factory)
        jwksFetches = Counter(label: "gatehouse_jwks_fetches_total", dimensions: [("outcome", "success")], factory: factory)
        jwksFetchFailures = Counter(label: "gatehouse_jwks_fetches_total", dimensions: [("outcome", "failure")], factory: factory)
        upstreamCalls = MetricFamily(label: "gatehouse_upstream_calls_total", dimensionNames: ["service", "operation", "outcome"], factory: factory)
        upstreamDuration = MetricFamily(
            label: "gatehouse_upstream_call_duration_seconds",
            dimensionNames: ["service", "operation"],
            factory: factory
        )
        sessionsCreated = Counter(label: "gatehouse_sessions_created_total", factory: factory)
        sessionsEnded = MetricFamily(label: "gatehouse_sessions_ended_total", dimensionNames: ["reason"], factory: factory)
        refreshGrants = MetricFamily(label: "gatehouse_refresh_grants_total", dimensionNames: ["outcome"], factory: factory)
        revocationChecks = MetricFamily(label: "gatehouse_revocation_checks_total", dimensionNames: ["answer"], factory: factory)
    }
}

/// Counters and timers of one label, keyed by their dimensions' values, made on first use.
public final class MetricFamily: Sendable {
    let label: String
    let dimensionNames: [String]
    private let factory: any MetricsFactory
    private let counters = Mutex<[[String]: Counter]>([:])
    private let timers = Mutex<[[String]: CoreMetrics.Timer]>([:])

    /// A family called `label` whose members carry `dimensionNames`, in that order, made by `factory`.
    public init(label: String, dimensionNames: [String], factory: any MetricsFactory = MetricsSystem.factory) {
        self.label = label
        self.dimensionNames = dimensionNames
        self.factory = factory
    }

    /// The counter for `values` (one per dimension name).
    public func counter(_ values: [String]) -> Counter {
        counters.withLock { counters in
            if let counter = counters[values] { return counter }
            let counter = Counter(label: label, dimensions: Array(zip(dimensionNames, values)), factory: factory)
            counters[values] = counter
            return counter
        }
    }

    /// The timer for `values` (one per dimension name), reported in seconds.
    public func timer(_ values: [String]) -> CoreMetrics.Timer {
        timers.withLock { timers in
            if let timer = timers[values] { return timer }
            let timer = CoreMetrics.Timer(
                label: label,
                dimensions: Array(zip(dimensionNames, values)),
                preferredDisplayUnit: .seconds,
                factory: factory
            )
            timers[values] = timer
            return timer
        }
    }
}

extension CoreMetrics.Timer {
    /// Records `duration`.
    public func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
