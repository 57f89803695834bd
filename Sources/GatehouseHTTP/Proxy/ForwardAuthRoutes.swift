import GatehouseCore
import HTTPTypes
public import Hummingbird

/// `/auth/check`, for a reverse proxy the app already runs (nginx `auth_request`, Caddy
/// `forward_auth`, Traefik `ForwardAuth`): 200 with the identity headers and the access token
/// (the proxy copies them to its upstream) for a session cookie or a valid bearer token, 401
/// otherwise, 403 when `?group=NAME` names groups the user is in none of.
///
/// The original method comes from `X-Forwarded-Method` (Caddy, Traefik) or `X-Original-Method`
/// (our nginx example). With the cookie, an unsafe original method needs the CSRF rule of every
/// cookie request on the forwarded `X-CSRF` and `Origin`; a safe one needs nothing more (a page
/// navigation cannot send `X-CSRF`, and `SameSite=Strict` keeps other sites' requests out).
public struct ForwardAuthRoutes: Sendable {
    let authenticator: RequestAuthenticator

    static let forwardedMethod = HTTPField.Name("X-Forwarded-Method")!
    static let originalMethod = HTTPField.Name("X-Original-Method")!
    static let safeMethods: Set<String> = ["GET", "HEAD", "OPTIONS"]
    /// The methods `/auth/check` answers (proxies send GET; any of these will do).
    public static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]

    /// The routes over `authenticator`.
    public init(authenticator: RequestAuthenticator) {
        self.authenticator = authenticator
    }

    /// Adds `/auth/check` to `router`.
    public func register(on router: Router<GatehouseRequestContext>) {
        for method in Self.methods {
            router.on("/auth/check", method: method) { request, context in try await check(request, context: context) }
        }
    }

    func check(_ request: Request, context: GatehouseRequestContext) async throws -> Response {
        let original = (request.headers[Self.forwardedMethod] ?? request.headers[Self.originalMethod] ?? request.method.rawValue).uppercased()
        let rule: RequestAuthenticator.CookieRule = Self.safeMethods.contains(original) ? .none : .csrfHeader
        guard let identity = try await authenticator.identify(request.headers, cookieRule: rule, logger: context.logger) else {
            throw GatehouseError(.missingToken, message: "Sign in, or send a bearer token.")
        }
        let wanted = request.uri.queryParameters.getAll("group").map { String($0) }
        if !wanted.isEmpty, !identity.groups.contains(where: wanted.contains) {
            throw GatehouseError(.forbidden, logDetail: "forward auth: not in any of \(wanted)")
        }
        var headers: HTTPFields = [.cacheControl: "no-store"]
        headers[.authorization] = "Bearer " + identity.rawToken
        headers[ProxyHeaders.sub] = identity.token.subject
        // A client's own token (client_credentials) has no user: `sub` is the client id.
        if !identity.token.isClientCredentials { headers[ProxyHeaders.username] = identity.token.username }
        headers[ProxyHeaders.groups] = identity.groups.joined(separator: ",")
        return Response(status: .ok, headers: headers)
    }
}
