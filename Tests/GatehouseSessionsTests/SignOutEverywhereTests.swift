import Foundation
import GatehouseCore
import GatehouseSessions
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// `POST /auth/logout {"everywhere": true}` and the revocation check of bearer tokens, against
/// a fake of the IdP's token view (GetUser / GlobalSignOut) behind our own seam.
struct SignOutEverywhereTests {
    static func bearer(_ harness: SessionHarness, scope: String? = "openid aws.cognito.signin.user.admin", use: String = "access") -> String {
        let now = Int(harness.clock.now)
        let scopeClaim = scope.map { #","scope":"\#($0)""# } ?? ""
        return FakeIdP.sign(
            #"{"sub":"sub-1","iss":"\#(FakeIdP.issuer)","client_id":"\#(FakeIdP.clientID)","aud":"\#(FakeIdP.clientID)","token_use":"\#(use)","exp":\#(now + 300),"iat":\#(now),"username":"alice","cognito:username":"alice"\#(scopeClaim)}"#
        )
    }

    static func get(_ client: some TestClientProtocol, token: String) async throws -> TestResponse {
        try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: "Bearer \(token)"])
    }

    @Test func everywhereEndsEverySessionOfTheUserAndSignsOutAtTheIdP() async throws {
        let harness = SessionHarness()
        let authority = FakeAuthority()
        try await harness.application(authority: authority).test(.router) { client in
            var laptop = Browser()
            var phone = Browser()
            _ = try await laptop.login(client, idp: harness.idp)
            _ = try await phone.login(client, idp: harness.idp)
            #expect(try await phone.send(client, .get, "/userinfo").status == .ok)

            let out = try await laptop.send(client, .post, "/auth/logout", body: #"{"everywhere": true}"#)
            #expect(out.status == .ok)
            #expect(Browser.json(out)["sessionsEnded"] as? Int == 2)
            #expect((Browser.json(out)["logoutUrl"] as? String)?.hasPrefix(FakeIdP.domain + "/logout?client_id=") == true)
            #expect(laptop.cookies["__Host-gatehouse"] == nil)
            #expect(authority.state.withLock { $0.signedOut } == ["sub-1"])
            // With the server's own authority (AdminUserGlobalSignOut), not the session's token.
            #expect(authority.state.withLock { $0.signOuts } == ["admin:alice"])
            let ended = try await phone.send(client, .get, "/userinfo")
            #expect(ended.status == .unauthorized && Browser.json(ended)["error"] as? String == "session_expired")
            // Without a session there is nobody to sign out.
            let nobody = try await laptop.send(client, .post, "/auth/logout", body: #"{"everywhere": true}"#)
            #expect(nobody.status == .unauthorized && Browser.json(nobody)["error"] as? String == "not_logged_in")
        }
    }

    @Test func anUnreachableIdPEndsNothingAndSaysToRetry() async throws {
        let harness = SessionHarness()
        let authority = FakeAuthority()
        try await harness.application(authority: authority).test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            authority.state.withLock { $0.unavailable = true }
            let out = try await browser.send(client, .post, "/auth/logout", body: #"{"everywhere": true}"#)
            #expect(out.status == .serviceUnavailable && out.headers[.retryAfter] == "2")
            #expect(browser.cookies["__Host-gatehouse"] != nil)
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            // A plain logout, and {"everywhere": false}, end only this session and ask nothing.
            let plain = try await browser.send(client, .post, "/auth/logout", body: #"{"everywhere": false}"#)
            #expect(plain.status == .ok && Browser.json(plain)["sessionsEnded"] == nil)
        }
    }

    /// Without the server's authority, the session's own token signs out everywhere, but only
    /// when the scopes asked for include the admin scope.
    @Test func theTokenPathNeedsTheAdminScope() async throws {
        let withScope = SessionHarness(scopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"])
        let authority = FakeAuthority()
        try await withScope.application(authority: authority, adminSignOut: false).test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: withScope.idp)
            #expect(try await browser.send(client, .post, "/auth/logout", body: #"{"everywhere": true}"#).status == .ok)
            #expect(authority.state.withLock { $0.signOuts } == ["token"])
        }
        let plain = SessionHarness()
        let unused = FakeAuthority()
        try await plain.application(authority: unused, adminSignOut: false).test(.router) { client in
            var laptop = Browser()
            var phone = Browser()
            _ = try await laptop.login(client, idp: plain.idp)
            _ = try await phone.login(client, idp: plain.idp)
            let out = try await laptop.send(client, .post, "/auth/logout", body: #"{"everywhere": true}"#)
            // No way to sign out at the IdP: every session still ends here, and this one's
            // refresh token is revoked.
            #expect(out.status == .ok && Browser.json(out)["sessionsEnded"] as? Int == 2)
            #expect(unused.state.withLock { $0.signOuts }.isEmpty)
            #expect(plain.idp.revoked.count == 1)
            #expect(try await phone.send(client, .get, "/userinfo").status == .unauthorized)
        }
    }

    @Test func aRefusedAdminCallFallsBackToTheTokenWhenItsScopeAllows() async throws {
        let harness = SessionHarness(scopes: ["openid", "aws.cognito.signin.user.admin"])
        let authority = FakeAuthority()
        authority.state.withLock { $0.adminRefused = true }
        try await harness.application(authority: authority).test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            #expect(try await browser.send(client, .post, "/auth/logout", body: #"{"everywhere": true}"#).status == .ok)
            #expect(authority.state.withLock { $0.signOuts } == ["token"])
        }
    }

    /// Issue 22, item 11: with the revocation check on, a cookie session signed out at the IdP
    /// ends, as a bearer token does. A token with the admin scope is asked about (GetUser).
    @Test func theRevocationCheckEndsASessionSignedOutAtTheIdPByItsToken() async throws {
        let harness = SessionHarness(scopes: ["openid", "aws.cognito.signin.user.admin"])
        harness.idp.state.withLock { $0.accessScope = "openid aws.cognito.signin.user.admin" }
        let authority = FakeAuthority()
        try await harness.application(authority: authority, revocationTTL: 10).test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            #expect(authority.asked == 1)
            authority.state.withLock { $0.signedOut.insert("sub-1") }
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            harness.clock.advance(10)
            let cookie = try #require(browser.cookies["__Host-gatehouse"])
            let ended = try await browser.send(client, .get, "/userinfo")
            #expect(ended.status == .unauthorized && Browser.json(ended)["error"] as? String == "session_expired")
            #expect(browser.cookies["__Host-gatehouse"] == nil)
            #expect(authority.asked == 2)
            #expect(try await harness.store.read(id: SessionRecord.id(forCookie: cookie), now: harness.clock.now) == nil)
        }
    }

    /// A token without the admin scope cannot be asked about: the session's refresh token is, at
    /// most a time to live apart. A sign-out at the IdP revoked it, so the session ends.
    @Test func theRevocationCheckEndsASessionSignedOutAtTheIdPByItsRefresh() async throws {
        let harness = SessionHarness()
        let authority = FakeAuthority()
        try await harness.application(authority: authority, revocationTTL: 10).test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            harness.clock.advance(10)
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            #expect(harness.idp.refreshGrants == 1)
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            #expect(harness.idp.refreshGrants == 1)
            // Signed out at the IdP: its refresh tokens are refused from now on.
            harness.idp.state.withLock { $0.refuseRefresh = true }
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            harness.clock.advance(10)
            let ended = try await browser.send(client, .get, "/userinfo")
            #expect(ended.status == .unauthorized && Browser.json(ended)["error"] as? String == "session_expired")
            #expect(authority.asked == 0)
        }
    }

    @Test func revocationCheckRefusesSignedOutTokensAndCachesItsAnswers() async throws {
        let harness = SessionHarness()
        let authority = FakeAuthority()
        try await harness.application(authority: authority, revocationTTL: 10).test(.router) { client in
            let token = Self.bearer(harness)
            #expect(try await Self.get(client, token: token).status == .ok)
            #expect(try await Self.get(client, token: token).status == .ok)
            #expect(authority.asked == 1)
            authority.state.withLock { $0.signedOut.insert("sub-1") }
            // The cached answer holds for its ten seconds, then the IdP's refusal shows.
            #expect(try await Self.get(client, token: token).status == .ok)
            harness.clock.advance(10)
            let revoked = try await Self.get(client, token: token)
            #expect(revoked.status == .unauthorized)
            #expect(Browser.json(revoked)["error"] as? String == "token_revoked")
            #expect(revoked.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            #expect(authority.asked == 2)
            // Refusals are cached too.
            #expect(try await Self.get(client, token: token).status == .unauthorized)
            #expect(authority.asked == 2)
        }
    }

    @Test func revocationCheckFailsClosed() async throws {
        let harness = SessionHarness()
        let authority = FakeAuthority()
        try await harness.application(authority: authority, revocationTTL: 0).test(.router) { client in
            // A token the IdP cannot be asked about (no API scope; an ID token) is refused unasked.
            for token in [Self.bearer(harness, scope: "openid email"), Self.bearer(harness, scope: nil, use: "id")] {
                let refused = try await Self.get(client, token: token)
                #expect(refused.status == .unauthorized && Browser.json(refused)["error"] as? String == "invalid_token")
                #expect((Browser.json(refused)["message"] as? String)?.contains("aws.cognito.signin.user.admin") == true)
            }
            #expect(authority.asked == 0)
            authority.state.withLock { $0.unavailable = true }
            let down = try await Self.get(client, token: Self.bearer(harness))
            #expect(down.status == .serviceUnavailable && down.headers[.retryAfter] == "2")
            authority.state.withLock { $0.unavailable = false }
            // With a time to live of 0 every request asks.
            #expect(try await Self.get(client, token: Self.bearer(harness)).status == .ok)
            #expect(try await Self.get(client, token: Self.bearer(harness)).status == .ok)
            #expect(authority.asked == 3)
        }
    }
}
