import GatehouseHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

struct WebAppRouterTests {
    static func application() -> some ApplicationProtocol {
        let assets = [
            "index.html": WebAsset(bytes: ByteBuffer(string: "<!doctype html><title>x</title>"), contentType: "text/html; charset=utf-8"),
            "app.js": WebAsset(bytes: ByteBuffer(string: "export {}"), contentType: "text/javascript; charset=utf-8"),
        ]
        let router = buildWebAppRouter(
            assets: assets,
            configuration: Array(#"{"clientId":"c"}"#.utf8),
            connectSources: ["http://127.0.0.1:9229", "http://127.0.0.1:8080"]
        )
        return Application(router: router, logger: Logger(label: "test"))
    }

    @Test func theAppRunsBehindTheSharedEdge() async throws {
        try await Self.application().test(.router) { client in
            for path in ["/", "/nope.js"] {
                let response = try await client.execute(uri: path, method: .get, headers: [HTTPField.Name("X-Request-Id")!: "trace-42"])
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "trace-42")
                #expect(response.headers[values: .xContentTypeOptions] == ["nosniff"])
                #expect(response.headers[values: HTTPField.Name("X-Frame-Options")!] == ["DENY"])
            }
        }
    }

    @Test func servesTheAppItsConfigurationAndNothingElse() async throws {
        try await Self.application().test(.router) { client in
            let index = try await client.execute(uri: "/", method: .get)
            #expect(index.status == .ok)
            #expect(String(buffer: index.body) == "<!doctype html><title>x</title>")
            #expect(index.headers[.contentType] == "text/html; charset=utf-8")
            let policy = index.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("script-src 'self';"))
            #expect(policy.contains("connect-src 'self' http://127.0.0.1:9229 http://127.0.0.1:8080;"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(index.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")

            let script = try await client.execute(uri: "/app.js", method: .get)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            let config = try await client.execute(uri: "/config.json", method: .get)
            #expect(String(buffer: config.body) == #"{"clientId":"c"}"#)
            #expect(config.headers[.contentType] == "application/json")

            for path in ["/missing.js", "/../Package.swift", "/%2e%2e%2fPackage.swift", "/Web/index.html"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound, "\(path)")
            }
        }
    }

    @Test func onlyWebFileTypesAreServed() {
        #expect(WebAsset.contentType(forFileName: "index.html") == "text/html; charset=utf-8")
        #expect(WebAsset.contentType(forFileName: "gatehouse.js") == "text/javascript; charset=utf-8")
        #expect(WebAsset.contentType(forFileName: "package.json") == nil)
        #expect(WebAsset.contentType(forFileName: "README") == nil)
    }
}
