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

/// ``RequestMetrics`` as router middleware, labelling by the matched route's template (a request
/// no route matched is `unmatched`). Add it first, so it sees every route's answers.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    /// Middleware recording into `metrics`.
    public init(_ metrics: RequestMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            metrics.record(route: route, method: request.method, status: response.status, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            metrics.record(route: route, method: request.method, status: status, since: start)
            throw error
        }
    }
}
