public import GatehouseCore
public import GatehouseEdge
import HTTPTypes
import Hummingbird

extension Edge where Context == GatehouseRequestContext {
    /// The API's edge: the shared ``Edge`` with CORS (preflights answered before routing, headers
    /// added to every other response, errors included) and the router's 404/405 as our JSON.
    public static func api(policy: CORSPolicy, routes: RouteTable) -> Self {
        let cors = CORSHeaders(policy: policy, routes: routes)
        let errors = ErrorMapping(routes: routes)
        return Edge(
            server: "api",
            answer: { request, context in cors.preflight(request, context: context) },
            decorate: { response, request in cors.decorate(&response, origin: request.headers[.origin]) },
            translate: { error, request, _ in errors.translate(error, request: request) }
        )
    }
}
