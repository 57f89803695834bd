import CoreMetrics
import GatehouseCore
public import Hummingbird

/// Counts and times every request of one server (`api`, `pool`, `app`) by route template.
public struct RequestMetrics: Sendable {
    /// The `server` label.
    public let server: String

    /// Metrics labelled `server`.
    public init(server: String) {
        self.server = server
    }

    /// Records one answered request; `route` is a template or `unmatched`, never a raw path.
    public func record(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        GatehouseMetrics.httpRequests.counter([server, route, method.rawValue, String(status.code)]).increment()
        GatehouseMetrics.httpDuration.timer([server, route]).record(ContinuousClock.now - start)
    }
}
