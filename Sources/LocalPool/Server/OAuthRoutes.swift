import Crypto
import Foundation
import GatehouseCore
public import GatehouseEdge
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// The hosted login and OAuth2 endpoints of the pool's domain: `/oauth2/authorize`, `/login`,
/// `/oauth2/token`, `/oauth2/revoke`, `/oauth2/userInfo`, `/logout`.
public struct OAuthRoutes: Sendable {
    let service: LocalPoolService
    /// Binds the login form's CSRF token to this server: the form carries HMAC(key, cookie), so
    /// a cookie planted by another port on the same host (cookies ignore ports) is of no use
    /// without the token only this server can compute. Forms from before a restart expire.
    let csrfKey = SymmetricKey(size: .bits256)
    static let sessionCookie = "gatehouse_pool_session"
    static let csrfCookie = "gatehouse_pool_csrf"

    /// Routes over `service`.
    public init(service: LocalPoolService) {
        self.service = service
    }

    /// The form token for the CSRF cookie value `cookie`.
    func csrfToken(forCookie cookie: String) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array(cookie.utf8), using: csrfKey))
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<EdgeContext>) {
        router.get("/oauth2/authorize") { request, _ in try authorize(request) }
        router.get("/login") { request, _ in try loginPage(request) }
        router.post("/login") { request, _ in try await login(request) }
        router.post("/oauth2/token") { request, _ in try await token(request) }
        router.post("/oauth2/revoke") { request, _ in try await revoke(request) }
        router.get("/oauth2/userInfo") { request, _ in await userInfo(request) }
        router.post("/oauth2/userInfo") { request, _ in await userInfo(request) }
        router.get("/logout") { request, _ in logout(request) }
        for path in ["/oauth2/token", "/oauth2/revoke", "/oauth2/userInfo"] {
            router.on(RouterPath(path), method: .options) { request, _ in preflight(request) }
        }
    }

    // MARK: authorize and login

    private func query(_ request: Request) -> [String: String] {
        FormData.parse(request.uri.query ?? "")
    }

    private func authorize(_ request: Request) throws -> Response {
        let parameters: AuthorizeRequest
        do {
            parameters = try service.authorizeRequest(query(request))
        } catch {
            return refusal(error)
        }
        if let (user, authTime) = service.ssoUser(poolID: parameters.client.poolId, cookie: request.cookies[Self.sessionCookie]?.value) {
            return try redirectWithCode(parameters, user: user, authTime: authTime, setCookie: nil)
        }
        return redirect(to: "/login?" + FormData.encode(parameters.queryItems))
    }

    private func loginPage(_ request: Request, error: String? = nil, username: String = "", status: HTTPResponse.Status = .ok) throws -> Response {
        let parameters: AuthorizeRequest
        do {
            parameters = try service.authorizeRequest(query(request))
        } catch {
            return refusal(error)
        }
        let csrf = Identifiers.opaque(bytes: 24)
        let nonce = Identifiers.opaque(bytes: 16)
        let html = LoginPage.render(
            query: FormData.encode(parameters.queryItems),
            csrf: csrfToken(forCookie: csrf),
            nonce: nonce,
            client: parameters.client.name,
            username: username,
            error: error
        )
        // The form's answer redirects to the app; browsers check that redirect against form-action.
        var response = page(html, status: status, nonce: nonce, formRedirectOrigin: Self.origin(of: parameters.redirectURI))
        response.setCookie(Cookie(name: Self.csrfCookie, value: csrf, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    private func login(_ request: Request) async throws -> Response {
        let parameters: AuthorizeRequest
        do {
            parameters = try service.authorizeRequest(query(request))
        } catch {
            return refusal(error)
        }
        let body = try await request.body.collect(upTo: 64 * 1024)
        let form = FormData.parse(String(buffer: body))
        guard let sent = form["_csrf"], let csrfCookie = request.cookies[Self.csrfCookie]?.value,
            ConstantTime.equals(csrfToken(forCookie: csrfCookie), sent)
        else {
            return try loginPage(request, error: "Your sign-in form expired. Please try again.", status: .forbidden)
        }
        let username = form["username"] ?? ""
        let user: UserRecord
        do {
            user = try await service.authenticate(poolID: parameters.client.poolId, username: username, password: form["password"] ?? "")
        } catch {
            return try loginPage(request, error: error.message, username: username, status: .unauthorized)
        }
        guard user.status == "CONFIRMED" else {
            return try loginPage(request, error: "This account must set a new password before it can sign in here.", username: username)
        }
        let session = try service.startSSOSession(user: user)
        let cookie = Cookie(
            name: Self.sessionCookie,
            value: session,
            maxAge: Int(LocalPoolService.ssoLifetime),
            path: "/",
            httpOnly: true,
            sameSite: .lax
        )
        return try redirectWithCode(parameters, user: user, authTime: service.clock.now(), setCookie: cookie)
    }

    private func redirectWithCode(_ parameters: AuthorizeRequest, user: UserRecord, authTime: Double, setCookie: Cookie?) throws -> Response {
        let code = try service.issueCode(for: parameters, user: user, authTime: authTime)
        var items = [("code", code)]
        if let state = parameters.state { items.append(("state", state)) }
        var response = redirect(to: Self.appending(items, to: parameters.redirectURI))
        if let setCookie { response.setCookie(setCookie) }
        return response
    }

    private func refusal(_ error: AuthorizeRefusal) -> Response {
        switch error {
        case .page(let message):
            return page(LoginPage.errorPage(message), status: .badRequest, nonce: nil)
        case .redirect(let target, let code, let description, let state):
            var items = [("error", code), ("error_description", description)]
            if let state { items.append(("state", state)) }
            return redirect(to: Self.appending(items, to: target))
        }
    }

    // MARK: token, revoke, userInfo

    /// The form body of a token-endpoint request and the client it authenticates as.
    private func clientForm(_ request: Request) async throws -> ([String: String], Result<ClientRecord, OAuthError>) {
        let body = try await request.body.collect(upTo: 64 * 1024)
        let form = FormData.parse(String(buffer: body))
        let client = Result { () throws(OAuthError) -> ClientRecord in
            try service.authenticateClient(basic: basicCredentials(request), bodyID: form["client_id"], bodySecret: form["client_secret"])
        }
        return (form, client)
    }

    private func token(_ request: Request) async throws -> Response {
        let (form, authenticated) = try await clientForm(request)
        let origin = request.headers[.origin]
        do {
            let client = try authenticated.get()
            switch form["grant_type"] {
            case "authorization_code":
                guard let code = form["code"] else { throw OAuthError("invalid_request", "code is required") }
                return try tokenResponse(
                    try service.exchangeCode(client: client, code: code, redirectURI: form["redirect_uri"], verifier: form["code_verifier"]),
                    origin: origin
                )
            case "refresh_token":
                guard let refresh = form["refresh_token"] else { throw OAuthError("invalid_request", "refresh_token is required") }
                return try tokenResponse(try service.refreshGrant(client: client, refreshToken: refresh), origin: origin)
            case "client_credentials":
                let (token, expiresIn) = try service.clientCredentialsGrant(client: client, scope: form["scope"])
                var writer = JSONWriter()
                writer.add("access_token", token)
                writer.add("expires_in", expiresIn)
                writer.add("token_type", "Bearer")
                return json(writer.finish(), origin: origin)
            case nil:
                throw OAuthError("invalid_request", "grant_type is required")
            default:
                throw OAuthError("unsupported_grant_type", "grant_type is not supported")
            }
        } catch let error as OAuthError {
            throw failure(error, request: request)
        }
    }

    private func tokenResponse(_ outcome: LocalPoolService.AuthOutcome, origin: String?) throws(OAuthError) -> Response {
        guard case .tokens(let access, let id, let refresh, let expiresIn) = outcome else {
            throw OAuthError("server_error", "unexpected challenge", status: 500)
        }
        var writer = JSONWriter()
        if let id { writer.add("id_token", id) }
        writer.add("access_token", access)
        if let refresh { writer.add("refresh_token", refresh) }
        writer.add("expires_in", expiresIn)
        writer.add("token_type", "Bearer")
        return json(writer.finish(), origin: origin)
    }

    private func revoke(_ request: Request) async throws -> Response {
        let (form, authenticated) = try await clientForm(request)
        let origin = request.headers[.origin]
        do {
            let client = try authenticated.get()
            guard let token = form["token"] else { throw OAuthError("invalid_request", "token is required") }
            do {
                try service.revokeRefreshToken(token, client: client)
            } catch {
                switch error.type {
                case "UnsupportedOperationException": throw OAuthError("invalid_request", "revocation is not enabled for this client")
                // RFC 7009 §2.2.1, and what Cognito answers for an access token.
                case "UnsupportedTokenTypeException": throw OAuthError("unsupported_token_type", "only refresh tokens can be revoked")
                default: throw OAuthError("invalid_client", error.message, status: 401)
                }
            }
            var response = Response(status: .ok, headers: [.cacheControl: "no-store"])
            addCORS(&response, origin: origin)
            return response
        } catch let error as OAuthError {
            throw failure(error, request: request)
        }
    }

    private func userInfo(_ request: Request) async -> Response {
        let origin = request.headers[.origin]
        guard let token = UserInfoService.token(fromAuthorization: request.headers[.authorization]) else {
            return bearerError(400, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint", origin: origin)
        }
        let grant: LocalPoolService.AccessGrant
        do {
            grant = try await service.validateAccessToken(token)
        } catch {
            return bearerError(
                401,
                "invalid_token",
                "Access token is expired, disabled, or deleted, or the user has globally signed out.",
                origin: origin
            )
        }
        guard grant.scopes.contains("openid") else {
            return bearerError(403, "insufficient_scope", "The access token lacks the openid scope.", origin: origin)
        }
        let claims = service.userInfoClaims(grant)
        var writer = JSONWriter()
        for key in claims.keys.sorted() { writer.add(key, claims[key]) }
        return json(writer.finish(), origin: origin)
    }

    // MARK: logout

    private func logout(_ request: Request) -> Response {
        let query = query(request)
        service.endSSOSession(cookie: request.cookies[Self.sessionCookie]?.value)
        let target: String
        if let logoutTarget = service.logoutTarget(clientID: query["client_id"], logoutURI: query["logout_uri"]) {
            target = logoutTarget
        } else if query["redirect_uri"] != nil, query["response_type"] != nil, (try? service.authorizeRequest(query)) != nil {
            target = "/login?" + (request.uri.query ?? "")
        } else {
            return page(LoginPage.errorPage("The logout_uri is not registered for this client."), status: .badRequest, nonce: nil)
        }
        var response = redirect(to: target)
        response.setCookie(Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    // MARK: helpers

    private func basicCredentials(_ request: Request) -> (id: String, secret: String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        let id = String(text[..<colon]).removingPercentEncoding ?? String(text[..<colon])
        let secret = String(text[text.index(after: colon)...]).removingPercentEncoding ?? String(text[text.index(after: colon)...])
        return (id, secret)
    }

    /// `scheme://host[:port]` of an absolute URL, or nil (a registered callback is always absolute).
    static func origin(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains(where: { $0 == " " || $0 == ";" || $0 == "'" }) else { return nil }
        return String(url[..<schemeEnd.upperBound]) + authority
    }

    private static func appending(_ items: [(String, String)], to uri: String) -> String {
        uri + (uri.contains("?") ? "&" : "?") + FormData.encode(items)
    }

    private func redirect(to location: String) -> Response {
        Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    private func page(_ html: String, status: HTTPResponse.Status, nonce: String?, formRedirectOrigin: String? = nil) -> Response {
        let style = nonce.map { "'nonce-\($0)'" } ?? "'none'"
        let formAction = ["'self'", formRedirectOrigin].compactMap { $0 }.joined(separator: " ")
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src \(style); form-action \(formAction); frame-ancestors 'none'; base-uri 'none'",
                HTTPField.Name("X-Frame-Options")!: "DENY",
                .xContentTypeOptions: "nosniff",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }

    private func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, origin: String?) -> Response {
        var response = Response(
            status: status,
            headers: [.contentType: "application/json;charset=UTF-8", .cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
        addCORS(&response, origin: origin)
        return response
    }

    /// `error` as the endpoint's answer (it renders itself at the edge).
    private func failure(_ error: OAuthError, request: Request) -> OAuthFailure {
        let origin = request.headers[.origin].flatMap { service.browserOrigins().contains($0) ? $0 : nil }
        return OAuthFailure(error: error, allowedOrigin: origin, basic: request.headers[.authorization] != nil)
    }

    private func bearerError(_ status: Int, _ code: String, _ description: String, origin: String?) -> Response {
        var response = Response(
            status: HTTPResponse.Status(code: status),
            headers: [.wwwAuthenticate: #"Bearer error="\#(code)", error_description="\#(description)""#, .cacheControl: "no-store"]
        )
        addCORS(&response, origin: origin)
        return response
    }

    /// CORS for the browser apps registered as clients (their callback and logout URLs' origins).
    private func addCORS(_ response: inout Response, origin: String?) {
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        guard let origin, service.browserOrigins().contains(origin) else { return }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = "WWW-Authenticate"
    }

    private func preflight(_ request: Request) -> Response {
        guard let origin = request.headers[.origin], service.browserOrigins().contains(origin) else {
            return Response(status: .forbidden, headers: [.vary: "Origin"])
        }
        return Response(
            status: .noContent,
            headers: [
                .accessControlAllowOrigin: origin,
                .accessControlAllowMethods: "GET, POST, OPTIONS",
                .accessControlAllowHeaders: "authorization, content-type",
                .accessControlMaxAge: "600",
                .vary: "Origin",
            ]
        )
    }
}
