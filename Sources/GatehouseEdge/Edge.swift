import GatehouseCore
public import HTTPTypes
public import Hummingbird
import Logging

/// Everything every response of every server (the API, the local pool, the app) passes
/// through, in one middleware layer (each layer costs an async hop):
///
/// 1. a request id (``RequestID``) in the context, the logs and the `X-Request-Id` header;
/// 2. the server's own answers before routing and additions after it (the API's CORS), when given;
/// 3. errors that render themselves (`HTTPResponseError`: our JSON on the API, RFC 6749 on the
///    OAuth routes, Hummingbird's own for its errors), anything else a generic 500 whose detail
///    goes only to the log;
/// 4. the security headers (``SecurityHeaders``), one access-log line (``AccessLog``) and the
///    request metrics (``RequestMetrics``) labelled by route template.
public struct Edge<Context: EdgeRequestContext>: RouterMiddleware {
    /// Answers a request before routing (a CORS preflight), or nil to route it.
    public typealias Answer = @Sendable (Request, Context) -> Response?
    /// Adds what every routed response of `request` is due (CORS headers).
    public typealias Decoration = @Sendable (inout Response, Request) -> Void
    /// The error to render in place of a thrown one (the API's JSON 404 for the router's).
    public typealias Translation = @Sendable (any Error, Request, Context) -> any Error

    // Inlinable (and so these usable from inline code): the servers' modules specialize the edge
    // for their context instead of running it generically, with a metadata lookup per call.
    @usableFromInline let metrics: RequestMetrics
    @usableFromInline let answer: Answer?
    @usableFromInline let decorate: Decoration?
    @usableFromInline let translate: Translation?

    /// The edge of the server called `server` (the metrics' `server` label).
    public init(server: String, answer: Answer? = nil, decorate: Decoration? = nil, translate: Translation? = nil) {
        self.metrics = RequestMetrics(server: server)
        self.answer = answer
        self.decorate = decorate
        self.translate = translate
    }

    /// Runs one request through the edge: request id, preflight, the route, errors rendered,
    /// security headers, access log and metrics.
    @inlinable
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        RequestID.assign(from: request, to: &context)
        AccessLog.headers(of: request, logger: context.logger)
        var response: Response
        if let answered = answer?(request, context) {
            response = answered
        } else {
            do {
                response = try await next(request, context)
            } catch {
                response = render(translate?(error, request, context) ?? error, request: request, context: context)
            }
            decorate?(&response, request)
        }
        SecurityHeaders.apply(to: &response)
        response.headers[RequestID.header] = context.requestID
        AccessLog.done(request, response: response, since: start, logger: context.logger)
        // Templates start with "/"; Hummingbird's not-found responder labels its requests "NotFound".
        let route = context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        metrics.record(route: route, method: request.method, status: response.status, since: start)
        return response
    }

    @usableFromInline
    func render(_ error: any Error, request: Request, context: Context) -> Response {
        if let error = error as? any HTTPResponseError, let response = try? error.response(from: request, context: context) {
            let level: Logger.Level = error.status.code >= 500 ? (error.status.code == 503 ? .warning : .error) : .info
            context.logger.log(
                level: level,
                error.status.code >= 500 ? "gatehouse.request.failed" : "gatehouse.request.rejected",
                metadata: ["gatehouse.error": "\(error)"]
            )
            return response
        }
        context.logger.error("gatehouse.request.unhandled_error", metadata: ["gatehouse.error": "\(error)"])
        return GatehouseError(.internalError).response(requestID: context.requestID)
    }
}
