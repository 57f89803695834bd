import Crypto
import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The hosted login's way through an OIDC identity provider: `/oauth2/authorize` naming one
/// (`identity_provider`, `idp_identifier`) or its button sends the browser there, and
/// `/oauth2/idpresponse` takes it back. The `state` sent carries the app's authorize request,
/// sealed with this process's key and bound to a cookie in this browser (a provider's answer
/// that another browser started signs nobody in here).
extension OAuthRoutes {
    static let federationCookie = "gatehouse_pool_federation"
    /// Minutes a sign-in at the provider may take.
    static let federationLifetime = 600.0

    var idpResponseURL: String { service.baseURL + "/oauth2/idpresponse" }

    /// Off to the provider the authorize request names.
    func federate(_ parameters: AuthorizeRequest, name: String?, identifier: String?) async -> Response {
        let provider: IdentityProviderRecord
        do {
            provider = try await service.federation.provider(for: parameters.client, name: name, identifier: identifier)
        } catch {
            return errorPage(error.message)
        }
        let nonce = Identifiers.opaque(bytes: 24)
        let state = seal(query: URLEncoding.form(parameters.queryItems), provider: provider.providerName, nonce: nonce)
        var response = redirect(to: service.federation.authorizeURL(provider, redirectURI: idpResponseURL, state: state, nonce: nonce))
        response.setCookie(
            Cookie(
                name: Self.federationCookie,
                value: nonce,
                maxAge: Int(Self.federationLifetime),
                path: "/oauth2/idpresponse",
                httpOnly: true,
                sameSite: .lax
            )
        )
        return response
    }

    /// The provider's answer: its code exchanged and the sign-in finished, or a page saying why not.
    func idpResponse(_ request: Request) async throws -> Response {
        let query = query(request)
        guard let sealed = query["state"], let nonce = request.cookies[Self.federationCookie]?.value,
            let (appQuery, providerName) = open(sealed, nonce: nonce)
        else {
            return errorPage("This sign-in with an identity provider was not started in this browser, or it expired. Please start again.")
        }
        let parameters: AuthorizeRequest
        do {
            parameters = try await service.hostedLogin.authorizeRequest(FormData.parse(appQuery) ?? [:])
        } catch {
            return refusal(error)
        }
        guard let code = query["code"], !code.isEmpty else {
            // The provider refused (the user cancelled, or it had an error): back to the app, as Cognito does.
            let description = String((query["error_description"] ?? query["error"] ?? "The identity provider gave no code.").prefix(200))
            return onward(refusal(.redirect(to: parameters.redirectURI, error: "access_denied", description: description, state: parameters.state)))
        }
        let user: UserRecord
        do {
            let provider = try await service.pools.identityProvider(poolID: parameters.client.poolId, name: providerName)
            user = try await service.federation.signIn(
                provider: provider,
                code: code,
                redirectURI: idpResponseURL,
                nonce: nonce,
                appClientID: parameters.client.id
            )
        } catch {
            return errorPage(error.message, status: .unauthorized)
        }
        var response = onward(try await finishSignIn(parameters, user: user))
        response.setCookie(Cookie(name: Self.federationCookie, value: "", maxAge: 0, path: "/oauth2/idpresponse", httpOnly: true, sameSite: .lax))
        return response
    }

    /// The way on to the app: a page that navigates there itself instead of a redirect. The
    /// provider's sign-in form started this chain of redirects, and browsers hold every redirect
    /// of the chain to that form's `form-action` policy (another local pool's names only itself
    /// and us), so a redirect on to the app would be blocked; this page's navigation is new.
    private func onward(_ redirect: Response) -> Response {
        guard let location = redirect.headers[.location] else { return redirect }
        let nonce = Identifiers.opaque(bytes: 16)
        var response = page(HostedPages.render("onward", ["nonce": nonce, "onward": location]), status: .ok, nonce: nonce)
        for cookie in redirect.headers[values: .setCookie] { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        // The code in the address goes to the app only.
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }

    /// `query|provider|expiry` in base64url, then a MAC over it and the browser's nonce.
    private func seal(query: String, provider: String, nonce: String) -> String {
        let expiry = Int(service.clock.now() + Self.federationLifetime)
        let body = Base64URL.encode(Array("\(expiry)|\(provider)|\(query)".utf8))
        return body + "." + mac(body, nonce: nonce)
    }

    private func open(_ state: String, nonce: String) -> (query: String, provider: String)? {
        let parts = state.split(separator: ".", omittingEmptySubsequences: false)
        guard state.utf8.count <= 8192, parts.count == 2, ConstantTime.equals(Array(mac(String(parts[0]), nonce: nonce).utf8), Array(parts[1].utf8)),
            let bytes = Base64URL.decode(String(parts[0]))
        else { return nil }
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, let expiry = Double(fields[0]), expiry > service.clock.now() else { return nil }
        return (String(fields[2]), String(fields[1]))
    }

    private func mac(_ body: String, nonce: String) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array("federation\u{0}\(nonce)\u{0}\(body)".utf8), using: csrfKey))
    }
}
