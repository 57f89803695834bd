public import CoreMetrics
import GatehouseCore
public import Hummingbird
import Synchronization

/// Counts and times every request of one server (`api`, `pool`, `app`) by route template.
///
/// The counter and timer of each route, method and status are looked up in the metric families
/// once and then kept here under one key, so a request costs one dictionary lookup and makes
/// no label arrays.
public final class RequestMetrics: Sendable {
    /// The `server` label.
    public let server: String

    private struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private let handlers = Mutex<[Key: (requests: Counter, duration: CoreMetrics.Timer)]>([:])
    /// Requests answered: `server` (api, pool, app), `route` (the template), `method`, `status`.
    private let requests: MetricFamily
    /// How long requests took to answer: `server`, `route`.
    private let durations: MetricFamily

    /// Metrics labelled `server`, made by `factory` (by default the process's).
    public init(server: String, factory: any MetricsFactory = MetricsSystem.factory) {
        self.server = server
        requests = MetricFamily(label: "gatehouse_http_requests_total", dimensionNames: ["server", "route", "method", "status"], factory: factory)
        durations = MetricFamily(label: "gatehouse_http_request_duration_seconds", dimensionNames: ["server", "route"], factory: factory)
    }

    /// The methods labelled by name; any other (a client may send any token) is `OTHER`, so
    /// requests cannot make new series without end.
    private static let namedMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .delete, .options, .patch]
    private static let otherMethod = HTTPRequest.Method("OTHER")!

    /// Records one answered request; `route` is a template or `unmatched`, never a raw path.
    public func record(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let method = Self.namedMethods.contains(method) ? method : Self.otherMethod
        let key = Key(route: route, method: method, status: status.code)
        let (counter, timer) = handlers.withLock { handlers -> (requests: Counter, duration: CoreMetrics.Timer) in
            if let found = handlers[key] { return found }
            let made = (
                requests: self.requests.counter([server, route, method.rawValue, String(status.code)]),
                duration: self.durations.timer([server, route])
            )
            handlers[key] = made
            return made
        }
        counter.increment()
        timer.record(ContinuousClock.now - start)
    }
}
