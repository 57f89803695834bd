import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LocalPool
import Logging
import Testing

struct LoginPageRouteTests {
    @Test func loginFormMayRedirectToTheRegisteredAppOnly() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        var settings = ClientSettings.defaults
        settings.allowedOAuthFlows = ["code"]
        settings.allowedOAuthScopes = ["openid"]
        settings.callbackURLs = ["http://127.0.0.1:3000/callback?x=1"]
        let client = try await fixture.service.pools.createClient(poolID: pool.id, name: "spa", generateSecret: false, settings: settings)
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { http in
            let query =
                "response_type=code&client_id=\(client.id)&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fcallback%3Fx%3D1"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&scope=openid"
            let page = try await http.execute(uri: "/login?" + query, method: .get)
            #expect(page.status == .ok)
            let policy = page.headers[.contentSecurityPolicy] ?? ""
            // Browsers check the redirect after the form post against form-action.
            #expect(policy.contains("form-action 'self' http://127.0.0.1:3000;"))
            #expect(policy.contains("frame-ancestors 'none'"))
        }
    }

    @Test func aMovedAppOriginIsRegisteredOnce() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        var settings = ClientSettings.defaults
        settings.callbackURLs = ["http://127.0.0.1:3000/"]
        settings.logoutURLs = ["http://127.0.0.1:3000/"]
        let client = try await fixture.service.pools.createClient(poolID: pool.id, name: "spa", generateSecret: false, settings: settings)
        _ = try await fixture.service.pools.client(client.id)  // cached
        let moved = try await fixture.service.pools.registerAppOrigin("http://127.0.0.1:4000", clientID: client.id)
        #expect(moved.settings.callbackURLs == ["http://127.0.0.1:3000/", "http://127.0.0.1:4000/"])
        #expect(moved.settings.logoutURLs == ["http://127.0.0.1:3000/", "http://127.0.0.1:4000/"])
        await #expect(try fixture.service.pools.client(client.id).settings.callbackURLs.contains("http://127.0.0.1:4000/"))
        let again = try await fixture.service.pools.registerAppOrigin("http://127.0.0.1:4000", clientID: client.id)
        #expect(again.settings.callbackURLs.count == 2)
    }
}
