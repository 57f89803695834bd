public import GatehouseCore
import HTTPTypes
public import Hummingbird

/// Everything every API response passes through, in one middleware layer (each layer of
/// Hummingbird middleware costs an async hop; one layer is measurably faster than five):
///
/// 1. a request id (``RequestID``) in the context, the logs and the response;
/// 2. CORS (``CORSHeaders``): preflights answered here, headers added to every other response;
/// 3. errors mapped to JSON on purpose (``ErrorMapping``), so CORS and ids reach errors too;
/// 4. security headers (``SecurityHeaders``), one access-log line (``AccessLog``) and the
///    request metrics (``RequestMetrics``, server `api`).
public struct EdgeMiddleware: RouterMiddleware {
    public typealias Context = GatehouseRequestContext
    private let cors: CORSHeaders
    private let errors: ErrorMapping
    private let routes: RouteTable
    private let metrics = RequestMetrics(server: "api")

    /// The edge for `routes`, applying `policy`.
    public init(policy: CORSPolicy, routes: RouteTable) {
        self.cors = CORSHeaders(policy: policy, routes: routes)
        self.errors = ErrorMapping(routes: routes)
        self.routes = routes
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        RequestID.assign(from: request, to: &context)
        AccessLog.headers(of: request, context: context)
        var response: Response
        if let preflight = cors.preflight(request, context: context) {
            response = preflight
        } else {
            do {
                response = try await next(request, context)
            } catch {
                response = errors.response(for: error, request: request, context: context)
            }
            cors.decorate(&response, origin: request.headers[.origin])
        }
        SecurityHeaders.apply(to: &response)
        response.headers.append(HTTPField(name: RequestID.header, value: context.requestID))
        AccessLog.done(request, response: response, since: start, context: context)
        let path = request.uri.path
        metrics.record(
            route: routes.allowedMethods(for: path) == nil ? "unmatched" : path,
            method: request.method,
            status: response.status,
            since: start
        )
        return response
    }
}
