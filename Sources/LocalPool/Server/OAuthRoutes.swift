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

    /// Adds the routes to `router`: at the root, and under each of the pool's domains
    /// (`/{domain}/oauth2/authorize`, with `my-login` or `auth.example.com` as the domain), so an
    /// app configured with its Cognito domain's URL works against `{pool URL}/{domain}`.
    public func register(on router: Router<EdgeContext>) {
        add(to: router, under: "")
        // The router names one parameter per position: the pool routes' `:pool` holds the domain.
        add(to: router, under: "/:pool")
    }

    private func add(to router: Router<EdgeContext>, under prefix: String) {
        func on(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping @Sendable (Request, EdgeContext) async throws -> Response) {
            router.on(RouterPath(prefix + path), method: method) { request, context in
                if !prefix.isEmpty, await !isDomain(context.parameters.get("pool")) { throw HTTPError(.notFound) }
                return try await handler(request, context)
            }
        }
        on("/oauth2/authorize", .get) { request, _ in try await authorize(request) }
        on("/oauth2/idpresponse", .get) { request, _ in try await idpResponse(request) }
        on("/login", .get) { request, _ in try await loginPage(request) }
        on("/login", .post) { request, context in try await login(request, from: context.clientAddress) }
        on("/login/new-password", .post) { request, context in try await newPassword(request, from: context.clientAddress) }
        on("/login/mfa", .post) { request, context in try await mfaCode(request, from: context.clientAddress) }
        on("/login/mfa-setup", .post) { request, context in try await mfaSetup(request, from: context.clientAddress) }
        on("/login/email-code", .post) { request, context in try await emailCode(request, from: context.clientAddress) }
        on("/login/email-code/verify", .post) { request, context in try await emailCodeVerify(request, from: context.clientAddress) }
        on("/login/passkey", .post) { request, context in try await passkeySignIn(request, from: context.clientAddress) }
        on("/login/passkey/verify", .post) { request, context in try await passkeyVerify(request, from: context.clientAddress) }
        on("/login/passkeys", .get) { request, _ in try await passkeysPage(request) }
        on("/login/passkeys/add", .post) { request, _ in try await passkeyAdd(request) }
        on("/login/passkeys/add/complete", .post) { request, _ in try await passkeyAddComplete(request) }
        on("/login/passkeys/delete", .post) { request, _ in try await passkeyDelete(request) }
        on("/login/signup", .get) { request, _ in try await signUpPage(request) }
        on("/login/signup", .post) { request, _ in try await signUp(request) }
        on("/login/confirm", .post) { request, _ in try await confirm(request) }
        on("/login/resend", .post) { request, _ in try await resend(request) }
        on("/login/forgot", .get) { request, _ in try await forgotPage(request) }
        on("/login/forgot", .post) { request, _ in try await forgot(request) }
        on("/login/reset", .post) { request, _ in try await reset(request) }
        on("/oauth2/token", .post) { request, _ in try await token(request) }
        on("/oauth2/revoke", .post) { request, _ in try await revoke(request) }
        on("/oauth2/userInfo", .get) { request, _ in await userInfo(request) }
        on("/oauth2/userInfo", .post) { request, _ in await userInfo(request) }
        on("/logout", .get) { request, _ in await logout(request) }
        for path in ["/oauth2/token", "/oauth2/revoke", "/oauth2/userInfo"] {
            on(path, .options) { request, _ in await preflight(request) }
        }
    }

    /// Whether `name` is a domain of a pool (lowercase letters, digits, dots and hyphens; a
    /// pool id, with its `_`, never is).
    private func isDomain(_ name: String?) async -> Bool {
        guard let name, (1...253).contains(name.utf8.count),
            name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D })
        else { return false }
        return (try? await service.pools.domain(named: name)) != nil
    }

    // MARK: helpers

    /// The client id and secret of an `Authorization: Basic` header (RFC 7617, each side
    /// form-encoded as RFC 6749 §2.3.1 has it), or nil when there is none or it does not decode.
    package static func basicCredentials(_ header: String?) -> (id: String, secret: String)? {
        guard let header else { return nil }
        let bytes = header.utf8
        guard bytes.count > 6, bytes.prefix(5).map({ $0 | 0x20 }).elementsEqual("basic".utf8), bytes.dropFirst(5).first == 0x20 else {
            return nil
        }
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        var encoded = bytes.dropFirst(6).drop(while: blank)
        while let last = encoded.last, blank(last) { encoded = encoded.dropLast() }
        guard let decoded = Base64URL.decodeEither(String(decoding: encoded, as: UTF8.self)),
            let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":")
        else { return nil }
        // A side that does not decode is taken as sent.
        func formDecoded(_ side: Substring) -> String {
            URLEncoding.decodePath(side).flatMap { String(validating: $0, as: UTF8.self) } ?? String(side)
        }
        return (formDecoded(text[..<colon]), formDecoded(text[text.index(after: colon)...]))
    }

    /// `scheme://host[:port]` of an absolute URL, or nil (a registered callback is always absolute).
    static func origin(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains(where: { $0 == " " || $0 == ";" || $0 == "'" }) else { return nil }
        return String(url[..<schemeEnd.upperBound]) + authority
    }

    static func appending(_ items: [(String, String)], to uri: String) -> String {
        uri + (uri.contains("?") ? "&" : "?") + FormData.encode(items)
    }

    func redirect(to location: String) -> Response {
        Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// A hosted page: its nonce admits its own styles, and its script when `script` (the passkey
    /// ceremony's); no other page runs any.
    func page(_ html: String, status: HTTPResponse.Status, nonce: String?, formRedirectOrigin: String? = nil, script: Bool = false) -> Response {
        let own = nonce.map { "'nonce-\($0)'" } ?? "'none'"
        let scripts = script ? own : "'none'"
        let formAction = ["'self'", formRedirectOrigin].compactMap { $0 }.joined(separator: " ")
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src \(own); script-src \(scripts); img-src data:; form-action \(formAction); frame-ancestors 'none'; base-uri 'none'",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }

    func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, origin: String?) async -> Response {
        var response = Response(
            status: status,
            headers: [.contentType: "application/json;charset=UTF-8", .cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
        await addCORS(&response, origin: origin)
        return response
    }

    /// `error` as the endpoint's answer (it renders itself at the edge).
    func failure(_ error: OAuthError, request: Request) async -> OAuthFailure {
        OAuthFailure(
            error: error,
            cors: await corsPolicy().responseHeaders(origin: request.headers[.origin]),
            basic: request.headers[.authorization] != nil
        )
    }

    /// The browser apps registered as clients (their callback and logout URLs' origins) may call
    /// the token, revoke and userInfo endpoints, without credentials (no cookie is involved).
    func corsPolicy() async -> CORSPolicy {
        CORSPolicy(
            allowedOrigins: await service.pools.browserOrigins(),
            allowedMethods: ["GET", "POST", "OPTIONS"],
            allowedHeaders: ["authorization", "content-type"],
            exposedHeaders: ["WWW-Authenticate"],
            allowsCredentials: false
        )
    }

    func bearerError(_ status: Int, _ code: String, _ description: String, origin: String?) async -> Response {
        var response = Response(
            status: HTTPResponse.Status(code: status),
            headers: [.wwwAuthenticate: #"Bearer error="\#(code)", error_description="\#(description)""#, .cacheControl: "no-store"]
        )
        await addCORS(&response, origin: origin)
        return response
    }

    /// CORS for the browser apps registered as clients (``corsPolicy()``).
    func addCORS(_ response: inout Response, origin: String?) async {
        for (name, value) in await corsPolicy().responseHeaders(origin: origin) {
            response.headers.append(HTTPField(name: HTTPField.Name(name)!, value: value))
        }
    }

    func preflight(_ request: Request) async -> Response {
        guard let origin = request.headers[.origin],
            case .allowed(let headers) = await corsPolicy().preflight(
                origin: origin,
                method: request.headers[.accessControlRequestMethod],
                requestHeaders: request.headers[.accessControlRequestHeaders]
            )
        else {
            return Response(status: .forbidden, headers: [.vary: "Origin"])
        }
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return Response(status: .noContent, headers: fields)
    }
}
