import GatehouseCore
import GatehouseEdge
import HTTPTypes
import Hummingbird
import Logging

/// Applies a ``CORSPolicy`` to HTTP: answers preflights, decorates every other response.
struct CORSHeaders: Sendable {
    private let policy: CORSPolicy
    /// The paths preflights are answered for; nil: every path this edge is asked about.
    private let routes: RouteTable?
    /// The policy's header names, parsed once rather than per response.
    private let fieldNames: [String: HTTPField.Name]

    init(policy: CORSPolicy, routes: RouteTable?) {
        self.policy = policy
        self.routes = routes
        let sample = policy.allowedOrigins.first
        self.fieldNames = Dictionary(
            policy.responseHeaders(origin: sample).map { ($0.0, HTTPField.Name($0.0)!) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// The answer to `request` when it is a preflight for a known path, else nil.
    func preflight(_ request: Request, context: GatehouseRequestContext) -> Response? {
        guard request.method == .options, let origin = request.headers[.origin],
            let method = request.headers[.accessControlRequestMethod],
            routes.map({ $0.allowedMethods(for: request.uri.path) != nil }) ?? true
        else { return nil }
        switch policy.preflight(origin: origin, method: method, requestHeaders: request.headers[.accessControlRequestHeaders]) {
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

    /// Adds the headers a response to `origin` is due (`Vary: Origin` always).
    func decorate(_ response: inout Response, origin: String?) {
        for (name, value) in policy.responseHeaders(origin: origin) {
            response.headers.append(HTTPField(name: fieldNames[name] ?? HTTPField.Name(name)!, value: value))
        }
    }
}
