import Foundation
import GatehouseCore
import GatehouseHTTP
import GatehouseSessions
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/auth/login/end` with page URLs an attacker writes, and logins ended by a page that did not
/// start them (issue 22, items 1 and 10).
struct LoginEndTests {
    /// URLs whose `?` comes after the `#`, or whose query is absent or empty: each used to be a
    /// crash (`#?code=x&state=y` made the query slice run backwards) or is no answer at all.
    @Test(arguments: [
        "\(FakeIdP.redirect)#?code=x&state=y",
        "\(FakeIdP.redirect)#",
        "\(FakeIdP.redirect)#?",
        "\(FakeIdP.redirect)##?code=x",
        "\(FakeIdP.redirect)",
        "\(FakeIdP.redirect)#frag?code=x&state=y?",
        "\(FakeIdP.redirect.dropLast())#/?code=x",
        "#?",
        "?#",
        "",
    ])
    func aPageURLWithoutAQueryIsABadRequestAndTheServerLives(page: String) async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.send(client, .post, "/auth/login/start")
            let body = try String(decoding: JSONSerialization.data(withJSONObject: ["pageUrl": page]), as: UTF8.self)
            let end = try await browser.send(client, .post, "/auth/login/end", body: body)
            #expect(end.status == .badRequest)
            #expect(Browser.json(end)["error"] as? String == "invalid_request")
            // The server still answers, and a whole login still works.
            var fresh = Browser()
            #expect(try await fresh.login(client, idp: harness.idp).status == .ok)
        }
    }

    @Test func theFragmentIsNotTheQuery() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let start = try await browser.send(client, .post, "/auth/login/start")
            let page = harness.idp.completeLogin(authorizationURL: Browser.json(start)["authorizationUrl"] as! String)
            // The answer in the fragment instead of the query is no answer.
            let moved = page.replacingOccurrences(of: "?", with: "#?")
            let refused = try await browser.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(moved)"}"#)
            #expect(refused.status == .badRequest && Browser.json(refused)["error"] as? String == "invalid_request")
            // A fragment after the query is ignored.
            var again = Browser()
            let second = try await again.send(client, .post, "/auth/login/start")
            let secondPage = harness.idp.completeLogin(authorizationURL: Browser.json(second)["authorizationUrl"] as! String)
            let ok = try await again.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(secondPage)#?state=other"}"#)
            #expect(ok.status == .ok)
        }
    }

    /// The planted-cookie login CSRF: the attacker starts a login for their own account and gets
    /// its login cookie onto the victim's browser from another port of the host (cookies ignore
    /// ports). The victim's page ends it without the login id, or with its own: refused.
    @Test func aLoginEndsOnlyOnThePageThatStartedIt() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var attacker = Browser()
            let start = try await attacker.send(client, .post, "/auth/login/start")
            let page = harness.idp.completeLogin(authorizationURL: Browser.json(start)["authorizationUrl"] as! String)
            let planted = try #require(attacker.cookies["__Host-gatehouse-login"])

            // The victim's page never started a login: it holds no login id.
            var victim = Browser(cookies: ["__Host-gatehouse-login": planted])
            let noID = try await victim.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#)
            #expect(noID.status == .unauthorized && Browser.json(noID)["error"] as? String == "invalid_state")
            #expect(victim.cookies["__Host-gatehouse"] == nil)

            // It started one of its own: its id is not the planted login's.
            var started = Browser()
            _ = try await started.send(client, .post, "/auth/login/start")
            started.cookies["__Host-gatehouse-login"] = planted
            let otherID = try await started.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#)
            #expect(otherID.status == .unauthorized && Browser.json(otherID)["error"] as? String == "invalid_state")
            #expect(started.cookies["__Host-gatehouse"] == nil)
            #expect(harness.idp.codeGrants == 0)
        }
    }

    @Test func aLoginEndsFromTheOriginItStartedFrom() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let start = try await browser.send(client, .post, "/auth/login/start", origin: FakeIdP.origin)
            let page = harness.idp.completeLogin(authorizationURL: Browser.json(start)["authorizationUrl"] as! String)
            let cookie = try #require(browser.cookies["__Host-gatehouse-login"])
            let elsewhere = try await browser.send(
                client,
                .post,
                "/auth/login/end",
                body: #"{"pageUrl":"\#(page)"}"#,
                origin: FakeIdP.otherAllowedOrigin
            )
            #expect(elsewhere.status == .unauthorized && Browser.json(elsewhere)["error"] as? String == "invalid_state")
            browser.cookies["__Host-gatehouse-login"] = cookie
            let same = try await browser.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#, origin: FakeIdP.origin)
            #expect(same.status == .ok)
        }
    }

    @Test func aLoginIdOfTheWrongTypeIsABadRequest() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.send(client, .post, "/auth/login/start")
            let end = try await browser.send(
                client,
                .post,
                "/auth/login/end",
                body: #"{"pageUrl":"\#(FakeIdP.redirect)?code=1&state=2","loginId":7}"#
            )
            #expect(end.status == .badRequest && Browser.json(end)["error"] as? String == "invalid_request")
        }
    }
}
