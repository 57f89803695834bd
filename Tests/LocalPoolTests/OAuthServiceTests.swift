import Crypto
import Foundation
import GatehouseCore
import LocalPool
import Testing

struct OAuthServiceTests {
    static let callback = "http://127.0.0.1:3000/"
    static let verifier = String(repeating: "v", count: 50)
    static let challenge = Base64URL.encode(SHA256.hash(data: Array(verifier.utf8)))

    func setUp(secret: Bool = false) async throws -> (PoolFixture, ClientRecord) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        var settings = ClientSettings.defaults
        settings.allowedOAuthFlows = ["code"]
        settings.allowedOAuthScopes = ["openid", "email", "profile"]
        settings.callbackURLs = [Self.callback]
        settings.logoutURLs = [Self.callback]
        let client = try await fixture.service.pools.createClient(poolID: pool.id, name: "spa", generateSecret: secret, settings: settings)
        try await fixture.confirmedUser(pool)
        return (fixture, client)
    }

    func query(_ client: ClientRecord, _ extra: [String: String] = [:]) -> [String: String] {
        [
            "response_type": "code", "client_id": client.id, "redirect_uri": Self.callback, "state": "s",
            "code_challenge": Self.challenge, "code_challenge_method": "S256", "scope": "openid email", "nonce": "n-1",
        ].merging(extra) { $1 }
    }

    func code(_ fixture: PoolFixture, _ client: ClientRecord) async throws -> String {
        let request = try await fixture.service.hostedLogin.authorizeRequest(query(client))
        return try await fixture.service.hostedLogin.issueCode(
            for: request,
            user: try fixture.service.users.user(poolID: client.poolId, username: "alice"),
            authTime: 1_800_000_000
        )
    }

    func refusal(_ fixture: PoolFixture, _ query: [String: String]) async -> AuthorizeRefusal? {
        do {
            _ = try await fixture.service.hostedLogin.authorizeRequest(query)
            return nil
        } catch {
            return error
        }
    }

    @Test func authorizeRefusesOnAPageOrAtTheClient() async throws {
        let (fixture, client) = try await setUp()
        guard case .page = await refusal(fixture, query(client, ["redirect_uri": "https://evil.example/"])) else {
            Issue.record("an unregistered redirect must not be redirected to")
            return
        }
        guard case .page = await refusal(fixture, query(client, ["client_id": "nosuchclient"])) else {
            Issue.record("unknown client")
            return
        }
        for (extra, expected) in [
            (["code_challenge_method": "plain"], "invalid_request"),
            (["response_type": "token"], "unsupported_response_type"),
            (["scope": "phone aws.cognito.signin.user.admin"], "invalid_scope"),
        ] {
            guard case .redirect(let target, let error, _, let state) = await refusal(fixture, query(client, extra)) else {
                Issue.record("expected a redirect for \(extra)")
                continue
            }
            #expect(target == Self.callback)
            #expect(error == expected)
            #expect(state == "s")
        }
        var noPKCE = query(client)
        noPKCE["code_challenge"] = nil
        noPKCE["code_challenge_method"] = nil
        guard case .redirect(_, "invalid_request", _, _) = await refusal(fixture, noPKCE) else {
            Issue.record("public clients must use PKCE")
            return
        }
        // email/profile without openid are dropped; openid keeps them.
        await #expect(
            try fixture.service.hostedLogin.authorizeRequest(query(client, ["scope": "openid email profile"])).scopes == [
                "openid", "email", "profile",
            ]
        )
    }

    @Test func codeExchangeRules() async throws {
        let (fixture, client) = try await setUp()
        let good = try await code(fixture, client)
        let outcome = try await fixture.service.hostedLogin.exchangeCode(
            client: client,
            code: good,
            redirectURI: Self.callback,
            verifier: Self.verifier
        )
        guard case .tokens(_, let id?, _, _, _) = outcome else {
            Issue.record("expected an ID token")
            return
        }
        let claims = try #require(JSONParser.parse(Base64URL.decode(id.split(separator: ".")[1])!).objectValue)
        #expect(claims["nonce"]?.stringValue == "n-1")
        #expect(claims["at_hash"] != nil)
        #expect(claims["auth_time"]?.numberValue == 1_800_000_000)

        func rejects(_ code: String, client: ClientRecord, redirect: String? = Self.callback, verifier: String? = Self.verifier) async {
            await #expect(throws: OAuthError.self) {
                try await fixture.service.hostedLogin.exchangeCode(client: client, code: code, redirectURI: redirect, verifier: verifier)
            }
        }
        await rejects(good, client: client)  // reuse
        await rejects(try code(fixture, client), client: client, verifier: String(repeating: "w", count: 50))
        await rejects(try code(fixture, client), client: client, verifier: nil)
        await rejects(try code(fixture, client), client: client, redirect: "http://127.0.0.1:3000/other")
        let other = try await fixture.service.pools.createClient(
            poolID: client.poolId,
            name: "other",
            generateSecret: false,
            settings: client.settings
        )
        await rejects(try code(fixture, client), client: other)
        let expiring = try await code(fixture, client)
        fixture.advance(301)
        await rejects(expiring, client: client)
        let forDisabled = try await code(fixture, client)
        try await fixture.service.users.setEnabled(poolID: client.poolId, username: "alice", enabled: false)
        await rejects(forDisabled, client: client)
    }

    @Test func confidentialClientsMustAuthenticate() async throws {
        let (fixture, client) = try await setUp(secret: true)
        let secret = try #require(client.secret)
        await #expect(throws: OAuthError.self) {
            try await fixture.service.hostedLogin.authenticateClient(basic: nil, bodyID: client.id, bodySecret: nil)
        }
        await #expect(throws: OAuthError.self) {
            try await fixture.service.hostedLogin.authenticateClient(basic: (client.id, "wrong"), bodyID: nil, bodySecret: nil)
        }
        await #expect(try fixture.service.hostedLogin.authenticateClient(basic: (client.id, secret), bodyID: nil, bodySecret: nil).id == client.id)
        await #expect(try fixture.service.hostedLogin.authenticateClient(basic: nil, bodyID: client.id, bodySecret: secret).id == client.id)
    }

    @Test func lockedOutUsersCannotUseTheForm() async throws {
        let (fixture, client) = try await setUp()
        for _ in 0..<5 {
            _ = try? await fixture.service.signIn.authenticate(poolID: client.poolId, username: "alice", password: "Wrong-pass1!")
        }
        let error = await #expect(throws: LocalPoolError.self) {
            try await fixture.service.signIn.authenticate(poolID: client.poolId, username: "alice", password: "Passw0rd!")
        }
        #expect(error?.message == "Password attempts exceeded")
    }

    @Test func ssoSessionsExpireAndEnd() async throws {
        let (fixture, client) = try await setUp()
        let user = try await fixture.service.users.user(poolID: client.poolId, username: "alice")
        let cookie = try await fixture.service.hostedLogin.startSSOSession(user: user)
        await #expect(fixture.service.hostedLogin.ssoUser(poolID: client.poolId, cookie: cookie)?.user.username == "alice")
        await #expect(fixture.service.hostedLogin.ssoUser(poolID: client.poolId, cookie: "forged") == nil)
        await fixture.service.hostedLogin.endSSOSession(cookie: cookie)
        await #expect(fixture.service.hostedLogin.ssoUser(poolID: client.poolId, cookie: cookie) == nil)
        let second = try await fixture.service.hostedLogin.startSSOSession(user: user)
        fixture.advance(3601)
        await #expect(fixture.service.hostedLogin.ssoUser(poolID: client.poolId, cookie: second) == nil)
    }
}
