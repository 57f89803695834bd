import Crypto
import Foundation
import GatehouseCore
import GatehouseEdge
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `/oauth2/authorize` and the hosted login page (`GET`/`POST /login`).
extension OAuthRoutes {
    // MARK: authorize and login

    func query(_ request: Request) -> [String: String] {
        FormData.parse(request.uri.query ?? "")
    }

    func authorize(_ request: Request) throws -> Response {
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

    func loginPage(_ request: Request, error: String? = nil, username: String = "", status: HTTPResponse.Status = .ok) throws -> Response {
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

    func login(_ request: Request) async throws -> Response {
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
        guard user.status == .confirmed else {
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

    func redirectWithCode(_ parameters: AuthorizeRequest, user: UserRecord, authTime: Double, setCookie: Cookie?) throws -> Response {
        let code = try service.issueCode(for: parameters, user: user, authTime: authTime)
        var items = [("code", code)]
        if let state = parameters.state { items.append(("state", state)) }
        var response = redirect(to: Self.appending(items, to: parameters.redirectURI))
        if let setCookie { response.setCookie(setCookie) }
        return response
    }

    func refusal(_ error: AuthorizeRefusal) -> Response {
        switch error {
        case .page(let message):
            return page(LoginPage.errorPage(message), status: .badRequest, nonce: nil)
        case .redirect(let target, let code, let description, let state):
            var items = [("error", code), ("error_description", description)]
            if let state { items.append(("state", state)) }
            return redirect(to: Self.appending(items, to: target))
        }
    }
}
