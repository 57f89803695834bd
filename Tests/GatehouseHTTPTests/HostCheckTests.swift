import GatehouseHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

struct HostCheckTests {
    @Test func listeningNamesIncludeLoopbackOnlyForLoopbackOrWildcard() {
        let loopback = AllowedHosts.listening(host: "127.0.0.1", port: 8080)
        #expect(loopback.allows("127.0.0.1:8080"))
        #expect(loopback.allows("LOCALHOST:8080"))
        #expect(loopback.allows("[::1]:8080"))
        #expect(!loopback.allows("127.0.0.1:8081"))
        #expect(!loopback.allows("evil.example:8080"))
        #expect(!loopback.allows("127.0.0.1"))
        #expect(!loopback.allows(nil))
        #expect(!loopback.allows(""))
        let public_ = AllowedHosts.listening(host: "10.1.2.3", port: 80, extra: ["api.example.com"])
        #expect(public_.allows("10.1.2.3:80"))
        #expect(public_.allows("api.example.com"))
        #expect(!public_.allows("localhost:80"))
    }

    @Test func urlAuthorities() {
        #expect(AllowedHosts.authority(ofURL: "https://Pool.Example.com/path?q") == "pool.example.com")
        #expect(AllowedHosts.authority(ofURL: "http://127.0.0.1:9229") == "127.0.0.1:9229")
        #expect(AllowedHosts.authority(ofURL: "http://user@host/") == nil)
        #expect(AllowedHosts.authority(ofURL: "ftp://host/") == nil)
    }

    @Test func foreignHostsGet421AndTheRouterIsNotReached() async throws {
        let router = Router()
        router.get("/ping") { _, _ in "pong" }
        // The test client sends `localhost` as the authority.
        for (allowed, expected) in [(["localhost"], HTTPResponse.Status.ok), (["127.0.0.1:9229"], .misdirectedRequest)] {
            let app = Application(router: HostChecked(router, allowed: AllowedHosts(allowed)), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let response = try await client.execute(uri: "/ping", method: .get)
                #expect(response.status == expected)
                if expected != .ok {
                    #expect(!String(buffer: response.body).contains("localhost"))
                }
            }
        }
    }
}
