public import GatehouseCore
public import GatehouseEdge
import HTTPTypes
import Hummingbird

extension Edge where Context == GatehouseRequestContext {
    /// The API's edge: the shared ``Edge`` with CORS (preflights answered before routing, headers
    /// added to every other response, errors included) and the router's 404/405 as our JSON.
    /// Paths under a proxied prefix get the upstreams' policy (``CORSPolicy/forUpstreams``): their
    /// preflights are answered here too, never sent upstream.
    public static func api(policy: CORSPolicy, routes: RouteTable, proxy: ProxySettings = .off) -> Self {
        let cors = CORSHeaders(policy: policy, routes: routes)
        let upstreamCORS = CORSHeaders(policy: policy.forUpstreams, routes: nil)
        let errors = ErrorMapping(routes: routes)
        let proxied: @Sendable (Request) -> Bool = { proxy.upstream(for: $0.uri.path) != nil }
        return Edge(
            server: "api",
            answer: { request, context in
                proxied(request) ? upstreamCORS.preflight(request, context: context) : cors.preflight(request, context: context)
            },
            decorate: { response, request in
                (proxied(request) ? upstreamCORS : cors).decorate(&response, origin: request.headers[.origin])
            },
            translate: { error, request, _ in errors.translate(error, request: request) }
        )
    }
}
