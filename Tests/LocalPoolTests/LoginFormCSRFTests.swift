import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LocalPool
import Logging
import NIOCore
import Testing

/// The login form's CSRF token is bound to a server-side key: a planted cookie, the cookie's own
/// value, or junk of any length is refused; only the token this server put in the form passes.
struct LoginFormCSRFTests {
    static let query =
        "response_type=code&client_id=CLIENT&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2F"
        + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&scope=openid"

    func setUp() async throws -> (PoolFixture, String) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.codeClient(pool)
        try await fixture.confirmedUser(pool)
        return (fixture, Self.query.replacingOccurrences(of: "CLIENT", with: client.id))
    }

    func post(_ http: some TestClientProtocol, query: String, cookie: String, csrf: String, username: String = "alice") async throws -> TestResponse {
        let body = "_csrf=\(csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&username=\(username)&password=Passw0rd%21"
        return try await http.execute(
            uri: "/login?" + query,
            method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "gatehouse_pool_csrf=\(cookie)"],
            body: ByteBuffer(string: body)
        )
    }

    /// The CSRF cookie value and the form's `_csrf` of a freshly served login page.
    func page(_ http: some TestClientProtocol, query: String) async throws -> (cookie: String, csrf: String) {
        let page = try await http.execute(uri: "/login?" + query, method: .get)
        let setCookie = try #require(page.headers[.setCookie])
        let cookie = try #require(setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
        let html = String(buffer: page.body)
        let marker = #"name="_csrf" value=""#
        let start = try #require(html.range(of: marker)).upperBound
        let csrf = String(html[start...].prefix { $0 != "\"" })
        return (cookie, csrf)
    }

    @Test func onlyTheServersOwnTokenPasses() async throws {
        let (fixture, query) = try await setUp()
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { http in
            let (cookie, csrf) = try await page(http, query: query)
            #expect(csrf != cookie)
            // A double-submit pair planted by another port: the cookie's value in the form.
            let planted = try await post(http, query: query, cookie: "planted-by-another-port", csrf: "planted-by-another-port")
            #expect(planted.status == .forbidden)
            #expect(try await post(http, query: query, cookie: cookie, csrf: cookie).status == .forbidden)
            // Junk whose length differs from the token's by 0, 1, 256 (the old comparison's blind spot).
            for length in [csrf.count, csrf.count + 1, csrf.count + 256, 288] {
                let junk = String(repeating: "Z", count: length)
                #expect(try await post(http, query: query, cookie: cookie, csrf: junk).status == .forbidden)
            }
            // The real token with the real cookie signs in (a redirect with a code).
            let good = try await post(http, query: query, cookie: cookie, csrf: csrf)
            #expect(good.status == .found)
            #expect(good.headers[.location]?.hasPrefix("http://127.0.0.1:3000/?code=") == true)
        }
    }

    @Test func aNULInTheUsernameDoesNotSignInAsThePrefix() async throws {
        let (fixture, query) = try await setUp()
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { http in
            let (cookie, csrf) = try await page(http, query: query)
            let response = try await post(http, query: query, cookie: cookie, csrf: csrf, username: "alice%00zzz")
            #expect(response.status == .unauthorized)
            #expect(response.headers[.location] == nil)
        }
    }
}
