import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

@testable import LocalPool

/// The hosted pages through the router: each step after the password, what they escape, and
/// that none of them issues a code before every step is done.
struct HostedPagesRouteTests {
    /// A browser's memory of the last page: its CSRF cookie and form token.
    final class Pages: @unchecked Sendable {
        var cookie = ""
        var csrf = ""
        let query: String

        init(query: String) { self.query = query }

        func remember(_ response: TestResponse) {
            if let setCookie = response.headers[values: .setCookie].first(where: { $0.hasPrefix("gatehouse_pool_csrf=") }) {
                cookie = String(setCookie.dropFirst("gatehouse_pool_csrf=".count).prefix { $0 != ";" })
            }
            let html = String(buffer: response.body)
            if let start = html.range(of: #"name="_csrf" value=""#)?.upperBound {
                csrf = String(html[start...].prefix { $0 != "\"" })
            }
        }

        func get(_ http: some TestClientProtocol, _ path: String) async throws -> TestResponse {
            let response = try await http.execute(uri: path + "?" + query, method: .get)
            remember(response)
            return response
        }

        func post(_ http: some TestClientProtocol, _ path: String, _ fields: [(String, String)]) async throws -> TestResponse {
            let body = FormData.encode([("_csrf", csrf)] + fields)
            let response = try await http.execute(
                uri: path + "?" + query,
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "gatehouse_pool_csrf=\(cookie)"],
                body: ByteBuffer(string: body)
            )
            remember(response)
            return response
        }
    }

    static func field(_ name: String, in response: TestResponse) -> String? {
        let html = String(buffer: response.body)
        guard let start = html.range(of: #"name="\#(name)" value=""#)?.upperBound else { return nil }
        return String(html[start...].prefix { $0 != "\"" })
    }

    func setUp(_ configure: (PoolFixture, PoolRecord) async throws -> Void = { _, _ in }) async throws -> (PoolFixture, PoolRecord, Pages) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.codeClient(pool)
        try await fixture.confirmedUser(pool)
        try await configure(fixture, pool)
        let query =
            "response_type=code&client_id=\(client.id)&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2F"
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&scope=openid"
        return (fixture, pool, Pages(query: query))
    }

    func app(_ fixture: PoolFixture) -> some ApplicationProtocol {
        Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
    }

    func now(_ fixture: PoolFixture) -> Double { fixture.clock.seconds.withLock { $0 } }

    @Test func anMFAUserGetsTheCodePageNotACodeAndTheRightCodeFinishes() async throws {
        let (fixture, pool, pages) = try await setUp { fixture, pool in
            _ = try await fixture.service.pools.setMFAConfiguration(poolID: pool.id, configuration: .optional, softwareToken: true)
            let client = try await fixture.client(pool)
            let (access, _, _) = try await fixture.signIn(client)
            _ = try await fixture.service.mfa.associateSoftwareToken(.accessToken(access))
            let key = try await #require(try fixture.service.users.user(poolID: pool.id, username: "alice").totpPendingSecret)
            try await fixture.service.mfa.verifySoftwareToken(.accessToken(access), code: SoftwareToken.code(key: key, step: Int(now(fixture)) / 30))
            try await fixture.service.mfa.setSoftwareTokenPreference(poolID: pool.id, username: "alice", enabled: true)
        }
        let key = try await #require(try fixture.service.users.user(poolID: pool.id, username: "alice").totpSecret)
        try await app(fixture).test(.router) { http in
            _ = try await pages.get(http, "/login")
            let mfa = try await pages.post(http, "/login", [("username", "alice"), ("password", "Passw0rd!")])
            #expect(mfa.status == .ok)
            #expect(mfa.headers[.location] == nil)
            let session = try #require(Self.field("session", in: mfa))
            let wrong = try await pages.post(http, "/login/mfa", [("session", session), ("code", "000000")])
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("That code is not right"))
            // Without the form's CSRF token: refused, whatever the code.
            pages.csrf = "junk"
            let forged = try await pages.post(http, "/login/mfa", [("session", session), ("code", "123456")])
            #expect(forged.status == .forbidden)
            _ = try await pages.get(http, "/login")
            let next = SoftwareToken.code(key: key, step: Int(now(fixture)) / 30 + 1)
            let done = try await pages.post(http, "/login/mfa", [("session", session), ("code", next)])
            #expect(done.status == .found)
            #expect(done.headers[.location]?.hasPrefix("http://127.0.0.1:3000/?code=") == true)
        }
    }

    @Test func aPoolWithMFAOnSetsUpTheAuthenticatorInThePage() async throws {
        let (fixture, pool, pages) = try await setUp { fixture, pool in
            _ = try await fixture.service.pools.setMFAConfiguration(poolID: pool.id, configuration: .on, softwareToken: true)
        }
        try await app(fixture).test(.router) { http in
            _ = try await pages.get(http, "/login")
            let setup = try await pages.post(http, "/login", [("username", "alice"), ("password", "Passw0rd!")])
            let html = String(buffer: setup.body)
            #expect(html.contains("otpauth://totp/Gatehouse%3Aalice?secret="))
            let session = try #require(Self.field("session", in: setup))
            let key = try await #require(
                try fixture.service.signIn.pendingChallenge(.mfaSetup, session: session, client: nil, username: nil).0.pendingSecret
            )
            #expect(html.contains(SoftwareToken.base32(Array(key.utf8))))
            let wrong = try await pages.post(http, "/login/mfa-setup", [("session", session), ("code", "000000")])
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains(SoftwareToken.base32(Array(key.utf8))))
            let code = SoftwareToken.code(key: key, step: Int(now(fixture)) / 30)
            let done = try await pages.post(http, "/login/mfa-setup", [("session", session), ("code", code)])
            #expect(done.status == .found)
            await #expect(try fixture.service.users.user(poolID: pool.id, username: "alice").totpEnabled)
        }
    }

    @Test func aTemporaryPasswordIsReplacedInThePage() async throws {
        let (fixture, _, pages) = try await setUp { fixture, pool in
            _ = try await fixture.service.users.createUser(poolID: pool.id, username: "newbie", attributes: [], temporaryPassword: "Temp-passw0rd!")
        }
        try await app(fixture).test(.router) { http in
            _ = try await pages.get(http, "/login")
            let choose = try await pages.post(http, "/login", [("username", "newbie"), ("password", "Temp-passw0rd!")])
            let session = try #require(Self.field("session", in: choose))
            let weak = try await pages.post(http, "/login/new-password", [("session", session), ("password", "weak")])
            #expect(weak.status == .badRequest)
            #expect(String(buffer: weak.body).contains("Password did not conform with policy"))
            let done = try await pages.post(http, "/login/new-password", [("session", session), ("password", "Chosen-passw0rd!")])
            #expect(done.status == .found)
        }
    }

    @Test func aFormWithARepeatedFieldIsNotRead() async throws {
        let (fixture, _, pages) = try await setUp()
        try await app(fixture).test(.router) { http in
            _ = try await pages.get(http, "/login")
            let repeated = try await pages.post(http, "/login", [("username", "alice"), ("username", "bob"), ("password", "Passw0rd!")])
            #expect(repeated.status == .badRequest)
            #expect(repeated.headers[.location] == nil)
            #expect(String(buffer: repeated.body).contains("The form could not be read."))
        }
    }

    @Test func whatUsersTypeIsEscapedAndClosedPoolsHaveNoSignUp() async throws {
        let (fixture, pool, pages) = try await setUp()
        try await app(fixture).test(.router) { http in
            let login = try await pages.get(http, "/login")
            #expect(String(buffer: login.body).contains(#"id="sign-up-link""#))
            _ = try await pages.get(http, "/login/signup")
            let refused = try await pages.post(
                http,
                "/login/signup",
                [("username", #"<script>alert("x")</script>"#), ("email", "a@example.com"), ("password", "weak")]
            )
            let html = String(buffer: refused.body)
            #expect(refused.status == .badRequest)
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
            _ = try await fixture.service.pools.updatePool(pool.id, allowAdminCreateUserOnly: true)
            #expect(try await pages.get(http, "/login/signup").status == .badRequest)
            #expect(!String(buffer: try await pages.get(http, "/login").body).contains(#"id="sign-up-link""#))
        }
    }
}
