import Crypto
import Foundation
import GatehouseCore
import GatehouseEdge
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `/oauth2/authorize` and the hosted sign-in (`GET`/`POST /login`), with the steps a sign-in may
/// ask for after the password: a new password, an MFA code, or an authenticator to set up.
extension OAuthRoutes {
    /// A page answering a form instead of what it asked for (an expired form, a refused client).
    struct PageAnswer: Error {
        let response: Response
    }

    /// A hosted form's request: its authorize parameters, and the form once its CSRF token checked out.
    struct HostedForm {
        let parameters: AuthorizeRequest
        let fields: [String: String]

        subscript(_ name: String) -> String { fields[name] ?? "" }
    }

    /// The query's parameters; a malformed query (a repeated or badly encoded parameter) reads
    /// as none, which the authorize checks refuse.
    func query(_ request: Request) -> [String: String] {
        FormData.parse(request.uri.query ?? "") ?? [:]
    }

    /// The authorize parameters of a hosted page's query, or the refusal page as a `PageAnswer`.
    func authorizeParameters(_ request: Request) async throws(PageAnswer) -> AuthorizeRequest {
        do {
            return try await service.hostedLogin.authorizeRequest(query(request))
        } catch {
            throw PageAnswer(response: refusal(error))
        }
    }

    /// Whether a form POST comes from the pool's own pages: its `Origin` is the pool's (its
    /// public base URL's, or the one the request was sent to), or, when the browser sent
    /// `Origin: null` (as it must for a form of a page whose referrer policy is `no-referrer`,
    /// like ours) or none, Fetch Metadata says same-origin. A request with neither header is no
    /// browser's and passes (the CSRF token still applies); `null` without Fetch Metadata does
    /// not (a sandboxed frame sends that). A page on another port of the same host shares the
    /// pool's cookies (cookies ignore ports), so the CSRF pair alone does not stop its form.
    func isFromThePoolsOwnPage(_ request: Request) -> Bool {
        let origin = request.headers[.origin]
        if let origin, origin != "null" {
            let own = [URLReference(service.baseURL)].compactMap { reference in
                reference.scheme.flatMap { scheme in reference.authority.map { "\(scheme)://\($0)" } }
            }
            let addressed = request.head.authority.map { ["http://\($0)", "https://\($0)"] } ?? []
            return (own + addressed).contains { $0.lowercased() == origin.lowercased() }
        }
        if let site = request.headers[Self.fetchSite] { return site == "same-origin" || site == "none" }
        return origin == nil
    }

    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// A hosted form's fields, once it came from the pool's own page and its CSRF token matches its cookie.
    func hostedForm(_ request: Request) async throws -> HostedForm {
        guard isFromThePoolsOwnPage(request) else {
            throw PageAnswer(response: errorPage("This form must be sent from the sign-in page itself.", status: .forbidden))
        }
        let parameters = try await authorizeParameters(request)
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let fields = FormData.parse(String(buffer: body)) else {
            throw PageAnswer(
                response: await show("login", parameters, ["error": "The form could not be read. Please try again."], status: .badRequest)
            )
        }
        guard let sent = fields["_csrf"], let cookie = request.cookies[Self.csrfCookie]?.value,
            ConstantTime.equals(csrfToken(forCookie: cookie), sent)
        else {
            throw await PageAnswer(response: show("login", parameters, ["error": "Your form expired. Please try again."], status: .forbidden))
        }
        return HostedForm(parameters: parameters, fields: fields)
    }

    /// Runs a page handler, answering with the page a `PageAnswer` carries.
    func answering(_ handler: () async throws -> Response) async throws -> Response {
        do {
            return try await handler()
        } catch let answer as PageAnswer {
            return answer.response
        }
    }

    /// Hosted page `template` for `parameters`, with a fresh CSRF cookie and style nonce.
    func show(
        _ template: String,
        _ parameters: AuthorizeRequest,
        _ values: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    )
        async -> Response
    {
        let csrf = Identifiers.opaque(bytes: 24)
        let nonce = Identifiers.opaque(bytes: 16)
        var all = values
        all["nonce"] = nonce
        all["csrf"] = csrfToken(forCookie: csrf)
        all["query"] = FormData.encode(parameters.queryItems)
        all["client"] = parameters.client.name
        if template == "login" {
            all["signUp"] = await service.pools.allowsSignUp(poolID: parameters.client.poolId)
            let factors = (try? await service.pools.pool(parameters.client.poolId))?.firstAuthFactors ?? []
            all["emailCode"] = factors.contains(.emailOTP)
            all["passkey"] = factors.contains(.webAuthn)
            all["providers"] = await service.federation.providers(for: parameters.client).map { name in
                ["name": name, "href": "/oauth2/authorize?" + FormData.encode(parameters.queryItems + [("identity_provider", name)])]
            }
        }
        // The client's managed login style when it has one, the classic customization otherwise.
        if let style = await service.pools.brandingStyle(parameters.client) {
            all["brandingCSS"] = style.css.isEmpty ? nil : style.css
            all["logo"] = style.logo
            all["favicon"] = style.favicon
        } else if let (_, custom) = try? await service.pools.uiCustomization(poolID: parameters.client.poolId, clientID: parameters.client.id),
            let custom
        {
            all["customCSS"] = custom.css
            all["logo"] = custom.imageURL
        }
        if template == "sign-up", let links = await service.pools.signUpTermsLinks(parameters.client) {
            all["terms"] = ["termsOfUse": links.termsOfUse, "privacyPolicy": links.privacyPolicy]
        }
        // A form's answer may redirect to the app; browsers check that redirect against form-action.
        var response = page(
            HostedPages.render(template, all),
            status: status,
            nonce: nonce,
            formRedirectOrigin: Self.origin(of: parameters.redirectURI),
            script: HostedPages.passkeyCeremonies.contains(template)
        )
        response.setCookie(Cookie(name: Self.csrfCookie, value: csrf, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    func authorize(_ request: Request) async throws -> Response {
        let parameters: AuthorizeRequest
        do {
            parameters = try await service.hostedLogin.authorizeRequest(query(request))
        } catch {
            return refusal(error)
        }
        let query = query(request)
        if query["identity_provider"] != nil || query["idp_identifier"] != nil {
            return await federate(parameters, name: query["identity_provider"], identifier: query["idp_identifier"])
        }
        if let (user, authTime) = await service.hostedLogin.ssoUser(
            poolID: parameters.client.poolId,
            cookie: request.cookies[Self.sessionCookie]?.value
        ) {
            return try await redirectWithCode(parameters, user: user, authTime: authTime, setCookie: nil)
        }
        return redirect(to: "/login?" + FormData.encode(parameters.queryItems))
    }

    func loginPage(_ request: Request) async throws -> Response {
        try await answering { await show("login", try authorizeParameters(request)) }
    }

    func login(_ request: Request, from address: String?) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let username = form["username"]
            if let refusal = await screened(form.parameters, username: username, address: address) { return refusal }
            let user: UserRecord
            do {
                user = try await service.signIn.authenticate(
                    poolID: form.parameters.client.poolId,
                    username: username,
                    password: form["password"],
                    client: form.parameters.client
                )
            } catch let error as LocalPoolError {
                switch error.name {
                case .userNotConfirmed:
                    return await show("confirm", form.parameters, ["username": username, "error": "Confirm your account with its code first."])
                case .passwordResetRequired:
                    return await show(
                        "reset",
                        form.parameters,
                        ["username": username, "notice": "Your password was reset. Set a new one with the code you were sent."]
                    )
                default:
                    if error.message == "Incorrect username or password." {
                        await recordSignIn(form.parameters, username: username, address: address, passed: false)
                    }
                    return await show("login", form.parameters, ["username": username, "error": error.message], status: .unauthorized)
                }
            }
            return try await proceed(form.parameters, after: user, from: address)
        }
    }

    /// What follows a proven password: the next step's page, or the redirect to the app.
    func proceed(_ parameters: AuthorizeRequest, after user: UserRecord, from address: String?) async throws -> Response {
        switch try await service.signIn.nextStep(after: user, client: parameters.client) {
        case .newPassword(let session):
            return await show("new-password", parameters, ["session": session])
        case .softwareTokenMFA(let session):
            return await show("mfa", parameters, ["session": session])
        case .mfaSetup(let session):
            let secret = try await service.mfa.associateSoftwareToken(.session(session))
            return await show("mfa-setup", parameters, setupValues(session: session, secret: secret, username: user.username))
        case .done(let user):
            await recordSignIn(parameters, username: user.username, address: address, passed: true)
            return try await finishSignIn(parameters, user: user)
        }
    }

    /// The hosted sign-in is complete: the pool's session cookie, and the code for the app.
    func finishSignIn(_ parameters: AuthorizeRequest, user: UserRecord) async throws -> Response {
        do {
            try await service.signIn.postAuthentication(user, client: parameters.client)
        } catch {
            return await show("login", parameters, ["username": user.username, "error": error.message], status: .unauthorized)
        }
        let session = try await service.hostedLogin.startSSOSession(user: user)
        let cookie = Cookie(
            name: Self.sessionCookie,
            value: session,
            maxAge: Int(HostedLogin.sessionLifetime),
            path: "/",
            httpOnly: true,
            sameSite: .lax
        )
        return try await redirectWithCode(parameters, user: user, authTime: service.clock.now(), setCookie: cookie)
    }

    func redirectWithCode(_ parameters: AuthorizeRequest, user: UserRecord, authTime: Double, setCookie: Cookie?) async throws -> Response {
        let code = try await service.hostedLogin.issueCode(for: parameters, user: user, authTime: authTime)
        var items = [("code", code)]
        if let state = parameters.state { items.append(("state", state)) }
        var response = redirect(to: Self.appending(items, to: parameters.redirectURI))
        if let setCookie { response.setCookie(setCookie) }
        return response
    }
}
