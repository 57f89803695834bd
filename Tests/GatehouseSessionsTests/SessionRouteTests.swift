import Foundation
import GatehouseCore
import GatehouseHTTP
import GatehouseSessions
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The token handler through the front door (the API's router), against ``FakeIdP``.
struct SessionRouteTests {
    @Test func loginSetsBCPCookiesAndUserInfoWorksByCookie() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let start = try await browser.send(client, .post, "/auth/login/start")
            #expect(start.status == .ok)
            let login = try #require(browser.setCookies["__Host-gatehouse-login"])
            #expect(login.hasSuffix("; Path=/; Max-Age=600; Secure; HttpOnly; SameSite=Strict"))
            let url = try #require(Browser.json(start)["authorizationUrl"] as? String)
            #expect(url.hasPrefix(FakeIdP.domain + "/oauth2/authorize?response_type=code&client_id=\(FakeIdP.clientID)&redirect_uri="))
            #expect(url.contains("code_challenge_method=S256") && url.contains("scope=openid%20email%20profile"))

            let end = try await browser.send(
                client,
                .post,
                "/auth/login/end",
                body: #"{"pageUrl":"\#(harness.idp.completeLogin(authorizationURL: url))"}"#
            )
            #expect(end.status == .ok)
            #expect(Browser.json(end)["isLoggedIn"] as? Bool == true)
            let session = try #require(browser.setCookies["__Host-gatehouse"])
            #expect(session.hasSuffix("; Path=/; Max-Age=86400; Secure; HttpOnly; SameSite=Strict"))
            #expect(!session.contains("Domain"))
            #expect(browser.setCookies["__Host-gatehouse-login"]?.contains("Max-Age=0") == true)
            #expect(browser.cookies["__Host-gatehouse"]?.utf8.count == 43)
            #expect(session.utf8.count < 200)
            #expect(end.headers[.accessControlAllowOrigin] == FakeIdP.origin)
            #expect(end.headers[.accessControlAllowCredentials] == "true")

            let profile = try await browser.send(client, .get, "/userinfo")
            #expect(profile.status == .ok)
            #expect(Browser.json(profile)["username"] as? String == "alice")
            #expect(Browser.json(profile)["email"] as? String == "alice@example.com")

            let state = try await browser.send(client, .get, "/auth/session", csrf: false)
            let body = Browser.json(state)
            #expect(body["isLoggedIn"] as? Bool == true && body["sub"] as? String == "sub-1" && body["username"] as? String == "alice")
            #expect(body["expiresAt"] as? Int == Int(harness.clock.now + 300))
            #expect(Set(body.keys) == ["isLoggedIn", "sub", "username", "expiresAt"])
        }
    }

    @Test func authorizationHeaderWinsOverTheCookie() async throws {
        let harness = SessionHarness()
        try await harness.application(users: ["alice": true, "bob": true]).test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            let exp = Int(harness.clock.now) + 60
            let bob = FakeIdP.sign(
                #"{"sub":"sub-1","iss":"\#(FakeIdP.issuer)","client_id":"\#(FakeIdP.clientID)","token_use":"access","exp":\#(exp),"username":"bob"}"#
            )
            let response = try await client.execute(
                uri: "/userinfo",
                method: .get,
                headers: [.authorization: "Bearer \(bob)", .cookie: "__Host-gatehouse=\(browser.cookies["__Host-gatehouse"]!)"]
            )
            #expect(Browser.json(response)["username"] as? String == "bob")
            let garbage = try await client.execute(
                uri: "/userinfo",
                method: .get,
                headers: [.authorization: "Bearer junk", .cookie: "__Host-gatehouse=\(browser.cookies["__Host-gatehouse"]!)"]
            )
            #expect(garbage.status == .unauthorized && Browser.json(garbage)["error"] as? String == "invalid_token")
        }
    }

    @Test func csrfHeaderAndOriginAreRequiredAndRefusalsChangeNothing() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/userinfo"), (.post, "/auth/refresh"), (.post, "/auth/logout"), (.post, "/auth/login/start"), (.post, "/auth/login/end"),
            ]
            for (method, path) in routes {
                let noHeader = try await browser.send(client, method, path, csrf: false)
                #expect(noHeader.status == .forbidden, "\(path)")
                #expect(Browser.json(noHeader)["error"] as? String == "csrf_check_failed")
                #expect(noHeader.headers[.accessControlAllowOrigin] == FakeIdP.origin)
                let foreign = try await browser.send(client, method, path, origin: "https://evil.example")
                #expect(foreign.status == .forbidden, "\(path)")
                #expect(foreign.headers[.accessControlAllowOrigin] == nil)
                let lookalike = try await browser.send(client, method, path, origin: FakeIdP.origin + ".evil.example")
                #expect(lookalike.status == .forbidden, "\(path)")
            }
            // Without Origin (same-origin GETs in some browsers) the header alone passes.
            #expect(try await browser.send(client, .get, "/userinfo", origin: nil).status == .ok)
            #expect(harness.idp.revoked.isEmpty && harness.idp.refreshGrants == 0)
            #expect(try await browser.send(client, .get, "/auth/session", csrf: false).status == .ok)
        }
    }

    @Test func loginEndRefusesWrongStateReplayMissingCookieAndIdPErrors() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let start = try await browser.send(client, .post, "/auth/login/start")
            let url = try #require(Browser.json(start)["authorizationUrl"] as? String)
            let page = harness.idp.completeLogin(authorizationURL: url)
            let loginCookie = try #require(browser.cookies["__Host-gatehouse-login"])

            let wrong = try await browser.send(
                client,
                .post,
                "/auth/login/end",
                body: #"{"pageUrl":"\#(page.replacingOccurrences(of: "state=", with: "state=X"))"}"#
            )
            #expect(wrong.status == .unauthorized && Browser.json(wrong)["error"] as? String == "invalid_state")
            #expect(browser.cookies["__Host-gatehouse"] == nil && browser.cookies["__Host-gatehouse-login"] == nil)

            browser.cookies["__Host-gatehouse-login"] = loginCookie
            let ok = try await browser.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#)
            #expect(ok.status == .ok)
            let first = try #require(browser.cookies["__Host-gatehouse"])

            var replay = Browser(cookies: ["__Host-gatehouse-login": loginCookie])
            let replayed = try await replay.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#)
            #expect(replayed.status == .unauthorized && Browser.json(replayed)["error"] as? String == "invalid_state")
            #expect(replay.cookies["__Host-gatehouse"] == nil)

            var bare = Browser()
            let missing = try await bare.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#)
            #expect(missing.status == .unauthorized && Browser.json(missing)["error"] as? String == "invalid_state")

            var tampered = Browser(cookies: ["__Host-gatehouse-login": String(loginCookie.dropLast(2)) + "AA"])
            let forged = try await tampered.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#)
            #expect(forged.status == .unauthorized)

            let denied = try await browser.send(
                client,
                .post,
                "/auth/login/end",
                body: #"{"pageUrl":"\#(FakeIdP.redirect)?error=access_denied&state=x"}"#
            )
            #expect(denied.status == .badRequest && Browser.json(denied)["error"] as? String == "login_failed")
            for body in [
                #"{"pageUrl":"https://elsewhere.example/?code=1&state=2"}"#, #"{"page":"x"}"#, "not json",
                #"{"pageUrl":"\#(FakeIdP.redirect)?code=%zz"}"#,
            ] {
                let bad = try await browser.send(client, .post, "/auth/login/end", body: body)
                #expect(bad.status == .badRequest && Browser.json(bad)["error"] as? String == "invalid_request", "\(body)")
            }

            // A second login gets a new session id (no fixation).
            var again = Browser()
            _ = try await again.login(client, idp: harness.idp)
            #expect(again.cookies["__Host-gatehouse"] != first)
        }
    }

    @Test func loginEndExpiresAfterTenMinutes() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let start = try await browser.send(client, .post, "/auth/login/start")
            let page = harness.idp.completeLogin(authorizationURL: Browser.json(start)["authorizationUrl"] as! String)
            harness.clock.advance(601)
            let late = try await browser.send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#)
            #expect(late.status == .unauthorized && Browser.json(late)["error"] as? String == "invalid_state")
        }
    }

    @Test func tamperedAndUnknownCookiesAreDeadSessions() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            let real = browser.cookies["__Host-gatehouse"]!
            for fake in [
                String(real.dropLast()) + (real.last == "A" ? "B" : "A"), String(repeating: "A", count: 43), "short", real + "A", "a\u{01}b",
            ] {
                var other = Browser(cookies: ["__Host-gatehouse": fake])
                let response = try await other.send(client, .get, "/userinfo")
                #expect(response.status == .unauthorized && Browser.json(response)["error"] as? String == "session_expired", "\(fake)")
                #expect(other.setCookies["__Host-gatehouse"]?.contains("Max-Age=0") == true)
                #expect(response.headers[.wwwAuthenticate] == nil)
                let state = try await other.send(client, .get, "/auth/session", csrf: false)
                #expect(Browser.json(state)["isLoggedIn"] as? Bool == false)
            }
            var none = Browser()
            let anonymous = try await none.send(client, .get, "/userinfo")
            #expect(anonymous.status == .unauthorized && Browser.json(anonymous)["error"] as? String == "missing_token")
            let refresh = try await none.send(client, .post, "/auth/refresh")
            #expect(refresh.status == .unauthorized && Browser.json(refresh)["error"] as? String == "not_logged_in")
        }
    }

    @Test func idleAndAbsoluteExpiryEndSessions() async throws {
        let harness = SessionHarness(idleTimeout: 600, maxAge: 1800)
        try await harness.application().test(.router) { client in
            var idle = Browser()
            _ = try await idle.login(client, idp: harness.idp)
            var busy = Browser()
            _ = try await busy.login(client, idp: harness.idp)
            // Use keeps a session alive past the idle timeout; no use ends it.
            for _ in 0..<3 {
                harness.clock.advance(250)
                #expect(try await busy.send(client, .get, "/userinfo").status == .ok)
            }
            let stale = try await idle.send(client, .get, "/userinfo")
            #expect(stale.status == .unauthorized && Browser.json(stale)["error"] as? String == "session_expired")
            // Past the maximum age, however busy: the first request after it is refused.
            var answers: [(elapsed: Double, error: String?)] = []
            while harness.clock.now - 1_900_000_000 < 2000 {
                harness.clock.advance(100)
                let response = try await busy.send(client, .get, "/userinfo")
                answers.append((harness.clock.now - 1_900_000_000, Browser.json(response)["error"] as? String))
                if response.status != .ok { break }
            }
            #expect(answers.last?.elapsed == 1850 && answers.last?.error == "session_expired", "\(answers)")
            #expect(answers.dropLast().allSatisfy { $0.error == nil })
        }
    }

    @Test func recordsSealedUnderOneKeyDoNotOpenUnderAnotherButDoAfterRotation() async throws {
        let oldKey = SessionKeys.generateKeyText()
        let harness = SessionHarness(keys: oldKey)
        let cookie = try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            return browser.cookies["__Host-gatehouse"]!
        }
        let newKey = SessionKeys.generateKeyText()
        try await harness.application(keys: try SessionKeys(parsing: "\(newKey),\(oldKey)")).test(.router) { client in
            var browser = Browser(cookies: ["__Host-gatehouse": cookie])
            let response = try await browser.send(client, .get, "/userinfo")
            #expect(response.status == .ok)
        }
        try await harness.application(keys: try SessionKeys(parsing: newKey)).test(.router) { client in
            var browser = Browser(cookies: ["__Host-gatehouse": cookie])
            let response = try await browser.send(client, .get, "/userinfo")
            #expect(response.status == .unauthorized && Browser.json(response)["error"] as? String == "session_expired")
        }
    }

    @Test func fiftyConcurrentRequestsCauseOneRefreshGrant() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            harness.clock.advance(290)
            harness.idp.gate.close()
            let cookie = browser.cookies["__Host-gatehouse"]!
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        var each = Browser(cookies: ["__Host-gatehouse": cookie])
                        return Int(try await each.send(client, .get, "/userinfo").status.code)
                    }
                }
                // Open the IdP once the first grant is waiting in it.
                while harness.idp.gate.arrived == 0 { await Task.yield() }
                harness.idp.gate.open()
                var statuses: [Int] = []
                for try await status in group { statuses.append(status) }
                #expect(statuses == Array(repeating: 200, count: 50))
            }
            #expect(harness.idp.refreshGrants == 1)
            let state = try await browser.send(client, .get, "/auth/session", csrf: false)
            #expect(Browser.json(state)["expiresAt"] as? Int == Int(harness.clock.now + 300))
            // Fresh tokens: the next requests need no grant.
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            #expect(harness.idp.refreshGrants == 1)
        }
    }

    @Test func twoInstancesOnOneStoreRunOneRefreshGrantWhileTheTokenHasExpired() async throws {
        // Two APIs (two processes' worth of services: their own single-flight, their own caches)
        // on one store and one IdP. The access token has expired, so no request may use it.
        let harness = SessionHarness()
        let first = harness.application()
        let second = harness.application()
        let cookie = try await first.test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            return browser.cookies["__Host-gatehouse"]!
        }
        harness.clock.advance(305)
        harness.idp.gate.close()
        try await first.test(.router) { one in
            try await second.test(.router) { two in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            var each = Browser(cookies: ["__Host-gatehouse": cookie])
                            let response =
                                index.isMultiple(of: 2)
                                ? try await each.send(one, .get, "/userinfo") : try await each.send(two, .get, "/userinfo")
                            return Int(response.status.code)
                        }
                    }
                    while harness.idp.gate.arrived == 0 { await Task.yield() }
                    harness.idp.gate.open()
                    var statuses: [Int] = []
                    for try await status in group { statuses.append(status) }
                    #expect(statuses == Array(repeating: 200, count: 40))
                }
            }
        }
        #expect(harness.idp.refreshGrants == 1)
        let record = try await harness.store.read(id: SessionRecord.id(forCookie: cookie), now: harness.clock.now)
        #expect(record?.refreshLeaseUntil == 0)
        #expect(record.map { $0.accessExpiresAt > harness.clock.now } == true)
    }

    @Test func aLeaseWhoseHolderDiedLapsesAndAnotherInstanceRefreshes() async throws {
        let harness = SessionHarness()
        let cookie = try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            return browser.cookies["__Host-gatehouse"]!
        }
        let id = SessionRecord.id(forCookie: cookie)
        // An instance took the lease and died before writing.
        var held = try #require(try await harness.store.read(id: id, now: harness.clock.now))
        held.refreshLeaseUntil = harness.clock.now + 305 + 10
        held.version += 1
        #expect(try await harness.store.replace(held, expectedVersion: held.version - 1))
        harness.clock.advance(305 + 10)
        try await harness.application().test(.router) { client in
            var browser = Browser(cookies: ["__Host-gatehouse": cookie])
            let response = try await browser.send(client, .get, "/userinfo")
            #expect(response.status == .ok)
        }
        #expect(harness.idp.refreshGrants == 1)
    }

    @Test func aRefusedRefreshTokenEndsTheSessionButAnUnreachableIdPDoesNot() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            harness.clock.advance(290)
            harness.idp.state.withLock { $0.unavailable = true }
            // Due for refresh, the IdP is down, the token still works: the request succeeds.
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            harness.clock.advance(20)
            let down = try await browser.send(client, .get, "/userinfo")
            #expect(down.status == .serviceUnavailable && down.headers[.retryAfter] != nil)
            #expect(browser.cookies["__Host-gatehouse"] != nil)
            let forced = try await browser.send(client, .post, "/auth/refresh")
            #expect(forced.status == .serviceUnavailable)

            harness.idp.state.withLock { $0.unavailable = false }
            #expect(try await browser.send(client, .get, "/userinfo").status == .ok)
            harness.idp.state.withLock { $0.refuseRefresh = true }
            let refused = try await browser.send(client, .post, "/auth/refresh")
            #expect(refused.status == .unauthorized && Browser.json(refused)["error"] as? String == "session_expired")
            #expect(browser.cookies["__Host-gatehouse"] == nil)
            #expect((try await harness.store.sweep(now: harness.clock.now)) == 0)
            if let memory = harness.store as? MemorySessionStore { #expect(memory.count == 0) }
        }
    }

    @Test func logoutRevokesTheRefreshTokenDeletesTheSessionAndReturnsCognitosLogoutURL() async throws {
        let harness = SessionHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, idp: harness.idp)
            let cookie = browser.cookies["__Host-gatehouse"]!
            let out = try await browser.send(client, .post, "/auth/logout")
            #expect(out.status == .ok)
            #expect(
                Browser.json(out)["logoutUrl"] as? String
                    == "\(FakeIdP.domain)/logout?client_id=\(FakeIdP.clientID)&logout_uri=https%3A%2F%2Fapp.example.com%2Fbye"
            )
            #expect(harness.idp.revoked.count == 1 && harness.idp.revoked[0].hasPrefix("refresh-"))
            #expect(browser.setCookies["__Host-gatehouse"]?.contains("Max-Age=0") == true)
            var replay = Browser(cookies: ["__Host-gatehouse": cookie])
            #expect(try await replay.send(client, .get, "/userinfo").status == .unauthorized)
            // Logging out without a session is harmless and still says where to go.
            var none = Browser()
            #expect(try await none.send(client, .post, "/auth/logout").status == .ok)
            #expect(harness.idp.revoked.count == 1)
        }
    }

    @Test func sessionsOffAnswer404AndLeaveBearerAlone() async throws {
        let dependencies = GatehouseDependencies(
            userInfo: UserInfoService(
                verifier: TokenVerifier(
                    configuration: TokenVerifierConfiguration(issuer: FakeIdP.issuer, clientIDs: [FakeIdP.clientID]),
                    keys: FakeIdP.keys
                ),
                directory: ClosureUserDirectory { _ throws(DirectoryError) in throw DirectoryError(.userNotFound) }
            ),
            keys: FakeIdP.keys,
            cors: CORSPolicy(allowedOrigins: [FakeIdP.origin])
        )
        try await Application(router: buildRouter(dependencies)).test(.router) { client in
            var browser = Browser(cookies: ["__Host-gatehouse": String(repeating: "A", count: 43)])
            let start = try await browser.send(client, .post, "/auth/login/start")
            #expect(start.status == .notFound && Browser.json(start)["error"] as? String == "sessions_disabled")
            let profile = try await browser.send(client, .get, "/userinfo")
            #expect(Browser.json(profile)["error"] as? String == "missing_token")
            #expect(Browser.json(try await browser.send(client, .get, "/auth/session", csrf: false))["isLoggedIn"] as? Bool == false)
        }
    }
}
