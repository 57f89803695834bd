import CoreMetrics
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

    /// Metrics labelled `server`.
    public init(server: String) {
        self.server = server
    }

    /// The methods labelled by name; any other (a client may send any token) is `OTHER`, so
    /// requests cannot make new series without end.
    private static let namedMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .delete, .options, .patch]
    private static let otherMethod = HTTPRequest.Method("OTHER")!

    /// Records one answered request; `route` is a template or `unmatched`, never a raw path.
    public func record(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let method = Self.namedMethods.contains(method) ? method : Self.otherMethod
        let key = Key(route: route, method: method, status: status.code)
        let (requests, duration) = handlers.withLock { handlers in
            if let found = handlers[key] { return found }
            let made = (
                requests: GatehouseMetrics.httpRequests.counter([server, route, method.rawValue, String(status.code)]),
                duration: GatehouseMetrics.httpDuration.timer([server, route])
            )
            handlers[key] = made
            return made
        }
        requests.increment()
        duration.record(ContinuousClock.now - start)
    }
}
