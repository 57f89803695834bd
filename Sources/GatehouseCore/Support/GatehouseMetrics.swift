public import CoreMetrics
import Synchronization

/// The process's metrics, through swift-metrics: a no-op until the executable bootstraps a
/// backend (`gatehouse serve` bootstraps Prometheus). Handlers are made once and kept, so the hot
/// path only increments; labels are fixed words and route templates, never raw paths, user
/// names or tokens.
public enum GatehouseMetrics {
    /// Verified-token cache lookups.
    public static let tokenCacheHits = Counter(label: "gatehouse_token_cache_lookups_total", dimensions: [("result", "hit")])
    /// Verified-token cache lookups that found nothing usable.
    public static let tokenCacheMisses = Counter(label: "gatehouse_token_cache_lookups_total", dimensions: [("result", "miss")])
    /// User-attribute cache lookups answered from the cache.
    public static let userCacheHits = Counter(label: "gatehouse_user_cache_lookups_total", dimensions: [("result", "hit")])
    /// User-attribute cache lookups that went (or waited) upstream.
    public static let userCacheMisses = Counter(label: "gatehouse_user_cache_lookups_total", dimensions: [("result", "miss")])
    /// JWKS fetches that succeeded.
    public static let jwksFetches = Counter(label: "gatehouse_jwks_fetches_total", dimensions: [("outcome", "success")])
    /// JWKS fetches that failed (the keys held are kept).
    public static let jwksFetchFailures = Counter(label: "gatehouse_jwks_fetches_total", dimensions: [("outcome", "failure")])

    /// Counters and timers keyed by their labels, made on first use.
    public final class Family: Sendable {
        let label: String
        let dimensionNames: [String]
        private let counters = Mutex<[[String]: Counter]>([:])
        private let timers = Mutex<[[String]: CoreMetrics.Timer]>([:])

        /// A family called `label` whose members carry `dimensionNames`, in that order.
        public init(label: String, dimensionNames: [String]) {
            self.label = label
            self.dimensionNames = dimensionNames
        }

        /// The counter for `values` (one per dimension name).
        public func counter(_ values: [String]) -> Counter {
            counters.withLock { counters in
                if let counter = counters[values] { return counter }
                let counter = Counter(label: label, dimensions: Array(zip(dimensionNames, values)))
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
                    preferredDisplayUnit: .seconds
                )
                timers[values] = timer
                return timer
            }
        }
    }

    /// Calls to AWS (or the local pool's cognito-idp API): `service`, `operation`, `outcome`
    /// (`success`, or the error code).
    public static let upstreamCalls = Family(label: "gatehouse_upstream_calls_total", dimensionNames: ["service", "operation", "outcome"])
    /// How long upstream calls took, retries included: `service`, `operation`.
    public static let upstreamDuration = Family(label: "gatehouse_upstream_call_duration_seconds", dimensionNames: ["service", "operation"])
    /// Requests answered: `server` (api, pool, app), `route` (the template), `method`, `status`.
    public static let httpRequests = Family(label: "gatehouse_http_requests_total", dimensionNames: ["server", "route", "method", "status"])
    /// How long requests took to answer: `server`, `route`.
    public static let httpDuration = Family(label: "gatehouse_http_request_duration_seconds", dimensionNames: ["server", "route"])
}

extension CoreMetrics.Timer {
    /// Records `duration`.
    public func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension GatehouseMetrics {
    /// Sessions created (logins ended).
    public static let sessionsCreated = Counter(label: "gatehouse_sessions_created_total")
    /// Sessions ended, by reason (`logout`, `refresh_refused`).
    public static let sessionsEnded = Family(label: "gatehouse_sessions_ended_total", dimensionNames: ["reason"])
    /// Refresh grants, by outcome (`success`, `refused`, `unavailable`).
    public static let refreshGrants = Family(label: "gatehouse_refresh_grants_total", dimensionNames: ["outcome"])
}

extension GatehouseMetrics {
    /// Revocation checks of bearer tokens, by answer (`live`, `revoked`, `cached`, `unavailable`).
    public static let revocationChecks = Family(label: "gatehouse_revocation_checks_total", dimensionNames: ["answer"])
}

extension GatehouseMetrics {
    /// Requests the reverse proxy answered: `upstream` (the prefix, never the path), `status`.
    public static let proxyRequests = Family(label: "gatehouse_proxy_requests_total", dimensionNames: ["upstream", "status"])
    /// How long the proxy took to the response head: `upstream`.
    public static let proxyDuration = Family(label: "gatehouse_proxy_request_duration_seconds", dimensionNames: ["upstream"])
}
