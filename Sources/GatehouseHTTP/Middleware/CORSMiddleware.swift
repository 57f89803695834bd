public import GatehouseCore
import HTTPTypes
public import Hummingbird
import Logging

/// CORS by origin allowlist on every response, errors included; answers preflights itself.
public struct GatehouseCORSMiddleware: RouterMiddleware {
    public typealias Context = GatehouseRequestContext
    private let policy: CORSPolicy
    private let routes: RouteTable

    /// Applies `policy` to the paths in `routes`.
    public init(policy: CORSPolicy, routes: RouteTable) {
        self.policy = policy
        self.routes = routes
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let origin = request.headers[.origin]
        if request.method == .options, let origin,
            let requestedMethod = request.headers[.accessControlRequestMethod],
            routes.allowedMethods(for: request.uri.path) != nil
        {
            return preflight(origin: origin, method: requestedMethod, request: request, context: context)
        }
        var response = try await next(request, context)
        for (name, value) in policy.responseHeaders(origin: origin) {
            response.headers.append(HTTPField(name: HTTPField.Name(name)!, value: value))
        }
        return response
    }

    private func preflight(origin: String, method: String, request: Request, context: Context) -> Response {
        switch policy.preflight(
            origin: origin,
            method: method,
            requestHeaders: request.headers[.accessControlRequestHeaders]
        ) {
        case .allowed(let headers):
            var fields = HTTPFields()
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
                fields.append(HTTPField(name: HTTPField.Name(name)!, value: value))
            }
            return Response(status: .noContent, headers: fields)
        case .refused:
            context.logger.info("gatehouse.cors.preflight_refused", metadata: ["gatehouse.cors.origin": "\(origin)"])
            var response = GatehouseError(.originNotAllowed, message: "This origin, method or header is not allowed.")
                .response(requestID: context.requestID)
            response.headers.append(HTTPField(name: .vary, value: "Origin"))
            return response
        }
    }
}
