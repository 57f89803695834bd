import GatehouseCore
import HTTPTypes
import Testing

@testable import GatehouseHTTP

/// The reverse proxy's pure rules: which prefixes and URLs start-up accepts, how a path joins an
/// upstream's base, and which headers cross in each direction.
struct ProxyRulesTests {
    @Test(arguments: [
        ("/orders/items/42", "/v1/items/42"),
        ("/orders/", "/v1/"),
        ("/orders/a%2Fb/%41", "/v1/a%2Fb/%41"),
        ("/orders/a/../b", "/v1/a/../b"),
        ("/orders/./a", "/v1/./a"),
    ])
    func pathsJoinTheBaseAsSent(path: String, upstreamPath: String) throws {
        let settings = try ProxySettings.parse(upstreams: ["/orders/=http://127.0.0.1:7001/v1/"])
        let upstream = try #require(settings.upstream(for: path))
        #expect(ProxyPath.join(base: upstream.basePath, rest: path.dropFirst(upstream.prefix.count)) == upstreamPath)
    }

    @Test(arguments: [
        "..", "../", "../x", "%2e%2e/x", "%2E%2e", ".%2e/x", "..%2fx", "..%2Fx", "a/../../x", "a%2f..%2f..%2fx", "..%5cx", "a\\..\\..\\x",
        "%", "%zz/x", "%2",
    ])
    func pathsThatLeaveTheBaseAreRefused(rest: String) {
        #expect(ProxyPath.join(base: "/v1/", rest: Substring(rest)) == nil, "\(rest)")
    }

    @Test func aLookAlikePrefixIsNotProxied() throws {
        let settings = try ProxySettings.parse(upstreams: ["/orders/=http://127.0.0.1:7001/"])
        #expect(settings.upstream(for: "/ordersX/1") == nil)
        #expect(settings.upstream(for: "/orders") == nil)
        #expect(settings.upstream(for: "/orders/1")?.prefix == "/orders/")
    }

    @Test(arguments: [
        ("orders/=http://a/", "--upstream"),
        ("/orders=http://a/", "--upstream"),
        ("/auth/x/=http://a/", "--upstream"),
        ("/userinfo/=http://a/", "--upstream"),
        ("/healthz/=http://a/", "--upstream"),
        ("/orders/=ftp://a/", "--upstream"),
        ("/orders/=http://a/v1", "--upstream"),
        ("/orders/=http://user@a/", "--upstream"),
        ("/orders/=http://a/?x=1", "--upstream"),
        ("/orders/=/v1/", "--upstream"),
        ("/../=http://a/", "--upstream"),
    ])
    func badUpstreamsStopStartUpNamingTheFlag(pair: String, flag: String) {
        let error = #expect(throws: ConfigurationError.self) { try ProxySettings.parse(upstreams: [pair]) }
        #expect(error?.variable == flag)
    }

    @Test func overlappingPrefixesAndUnknownRequirementsAreRefused() {
        let overlap = #expect(throws: ConfigurationError.self) {
            try ProxySettings.parse(upstreams: ["/api/=http://a/", "/api/v2/=http://b/"])
        }
        #expect(overlap?.problem.contains("overlaps") == true)
        let unknown = #expect(throws: ConfigurationError.self) {
            try ProxySettings.parse(upstreams: ["/api/=http://a/"], requirements: ["/other/=group:admins"])
        }
        #expect(unknown?.variable == "--upstream-require")
        let timeout = #expect(throws: ConfigurationError.self) { try ProxySettings.parse(upstreams: [], timeout: 0) }
        #expect(timeout?.variable == "--upstream-timeout")
    }

    @Test func theEnvironmentListsUpstreamsWhenNoFlagDoes() throws {
        let environment = ["GATEHOUSE_UPSTREAMS": "/orders/=http://127.0.0.1:7001/v1/, /reports/=https://reports.internal:8443/"]
        let settings = try ProxySettings.parse(upstreams: [], requirements: ["/orders/=group:buyers"], environment: environment)
        #expect(settings.upstreams.map(\.prefix).sorted() == ["/orders/", "/reports/"])
        #expect(settings.upstream(for: "/orders/1")?.requiredGroups == ["buyers"])
        #expect(settings.upstream(for: "/reports/x")?.origin == "https://reports.internal:8443")
        #expect(settings.timeout == 30)
        let bad = #expect(throws: ConfigurationError.self) {
            try ProxySettings.parse(upstreams: [], environment: ["GATEHOUSE_UPSTREAMS": "nonsense"])
        }
        #expect(bad?.variable == "GATEHOUSE_UPSTREAMS")
    }

    static let forwarding = ProxyHeaders.Forwarding(
        accessToken: "the-access-token",
        sub: "sub-1",
        username: "alice",
        groups: ["buyers", "staff"],
        clientAddress: "10.0.0.7",
        host: "api.example.com"
    )

    @Test func theUpstreamGetsTheIdentityAndNothingTheClientForged() {
        let client: HTTPFields = [
            .authorization: "Bearer client-token",
            HTTPField.Name("X-Gatehouse-Sub")!: "forged",
            HTTPField.Name("x-gatehouse-groups")!: "admins",
            HTTPField.Name("X-Gatehouse-Anything")!: "forged",
            .cookie: "__Host-gatehouse=secret; app=1; __Host-gatehouse-login=x",
            .connection: "keep-alive, X-Hop",
            HTTPField.Name("X-Hop")!: "1",
            HTTPField.Name("Keep-Alive")!: "timeout=5",
            .transferEncoding: "chunked",
            .te: "trailers",
            HTTPField.Name("X-Forwarded-For")!: "1.2.3.4",
            HTTPField.Name("X-Forwarded-Proto")!: "https",
            HTTPField.Name("X-Forwarded-Host")!: "evil.example",
            .accept: "application/json",
        ]
        let sent = ProxyHeaders.upstream(client, forwarding: Self.forwarding)
        #expect(sent[.authorization] == "Bearer the-access-token")
        #expect(sent[values: .authorization].count == 1)
        #expect(sent[HTTPField.Name("X-Gatehouse-Sub")!] == "sub-1")
        #expect(sent[HTTPField.Name("X-Gatehouse-Username")!] == "alice")
        #expect(sent[HTTPField.Name("X-Gatehouse-Groups")!] == "buyers,staff")
        #expect(sent[HTTPField.Name("X-Gatehouse-Anything")!] == nil)
        #expect(sent[values: .cookie] == ["app=1"])
        for hop in ["Connection", "X-Hop", "Keep-Alive", "Transfer-Encoding", "TE"] { #expect(sent[HTTPField.Name(hop)!] == nil, "\(hop)") }
        #expect(sent[HTTPField.Name("X-Forwarded-For")!] == "1.2.3.4, 10.0.0.7")
        #expect(sent[HTTPField.Name("X-Forwarded-Proto")!] == "http")
        #expect(sent[HTTPField.Name("X-Forwarded-Host")!] == "api.example.com")
        #expect(sent[.accept] == "application/json")
        // Only our cookies: no Cookie header at all.
        let ours = ProxyHeaders.upstream([.cookie: "__Host-gatehouse=secret"], forwarding: Self.forwarding)
        #expect(ours[.cookie] == nil)
    }

    @Test func theClientGetsTheUpstreamsAnswerLessHopsOurCookiesAndItsCORS() {
        let upstream: HTTPFields = [
            .contentType: "text/plain",
            .contentLength: "5",
            .connection: "close, X-Private",
            HTTPField.Name("X-Private")!: "1",
            .setCookie: "__Host-gatehouse=stolen; Path=/",
            .setCookie: "__Host-gatehouse-login=x; Path=/",
            .setCookie: "app=2; Path=/",
            .accessControlAllowOrigin: "*",
            .accessControlAllowCredentials: "true",
            HTTPField.Name("ETag")!: "\"v1\"",
        ]
        let back = ProxyHeaders.downstream(upstream)
        #expect(back[values: .setCookie] == ["app=2; Path=/"])
        #expect(back[.connection] == nil && back[HTTPField.Name("X-Private")!] == nil)
        #expect(back[.accessControlAllowOrigin] == nil && back[.accessControlAllowCredentials] == nil)
        #expect(back[.contentLength] == "5" && back[.contentType] == "text/plain" && back[HTTPField.Name("ETag")!] == "\"v1\"")
    }
}
