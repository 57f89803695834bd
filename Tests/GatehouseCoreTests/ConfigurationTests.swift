import GatehouseCore
import Testing

struct ConfigurationTests {
    static let minimal = ["GATEHOUSE_USER_POOL_ID": "eu-west-2_AbCdEf123", "GATEHOUSE_CLIENT_IDS": "abc123, def456"]

    func error(_ environment: [String: String]) -> ConfigurationError? {
        #expect(throws: ConfigurationError.self) { try GatehouseConfiguration(environment: environment) }
    }

    @Test func defaultsFollowThePool() throws {
        let configuration = try GatehouseConfiguration(environment: Self.minimal)
        #expect(configuration.region == "eu-west-2")
        #expect(configuration.issuer == "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123")
        #expect(configuration.jwksURL == configuration.issuer + "/.well-known/jwks.json")
        #expect(configuration.cognitoEndpoint == "https://cognito-idp.eu-west-2.amazonaws.com")
        #expect(configuration.clientIDs == ["abc123", "def456"])
        #expect(configuration.tokenUse == .any)
        #expect(configuration.attributes == ["email", "nickname"])
        #expect(configuration.clockLeeway == 0)
        #expect(configuration.userCacheTTL == 60)
    }

    @Test func revocationCheckIsOffUnlessAskedAndItsCacheIsBounded() throws {
        let off = try GatehouseConfiguration(environment: Self.minimal)
        #expect(!off.revocationCheck && off.revocationCacheTTL == 10)
        var environment = Self.minimal
        environment["GATEHOUSE_REVOCATION_CHECK"] = "ON"
        environment["GATEHOUSE_REVOCATION_CACHE_TTL"] = "0"
        let on = try GatehouseConfiguration(environment: environment)
        #expect(on.revocationCheck && on.revocationCacheTTL == 0)
        for (name, value) in [
            ("GATEHOUSE_REVOCATION_CHECK", "yes"), ("GATEHOUSE_REVOCATION_CACHE_TTL", "301"), ("GATEHOUSE_REVOCATION_CACHE_TTL", "-1"),
        ] {
            var bad = Self.minimal
            bad[name] = value
            #expect(error(bad)?.variable == name)
        }
    }

    @Test func endpointOverridesInPrecedenceOrder() throws {
        var environment = Self.minimal
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1"
        #expect(try GatehouseConfiguration(environment: environment).cognitoEndpoint == "http://127.0.0.1:1")
        environment["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = "http://127.0.0.1:2"
        #expect(try GatehouseConfiguration(environment: environment).cognitoEndpoint == "http://127.0.0.1:2")
        environment["GATEHOUSE_COGNITO_ENDPOINT"] = "http://127.0.0.1:3"
        #expect(try GatehouseConfiguration(environment: environment).cognitoEndpoint == "http://127.0.0.1:3")
    }

    @Test func poolCanComeFromTheIssuer() throws {
        let configuration = try GatehouseConfiguration(environment: [
            "GATEHOUSE_ISSUER": "http://127.0.0.1:9229/us-east-1_AbCdEf123", "GATEHOUSE_CLIENT_IDS": "abc",
        ])
        #expect(configuration.userPoolID == "us-east-1_AbCdEf123")
        #expect(configuration.jwksURL == "http://127.0.0.1:9229/us-east-1_AbCdEf123/.well-known/jwks.json")
    }

    @Test func errorsNameTheVariable() {
        #expect(error([:])?.variable == "GATEHOUSE_USER_POOL_ID")
        #expect(error(["GATEHOUSE_USER_POOL_ID": "not-a-pool", "GATEHOUSE_CLIENT_IDS": "a"])?.variable == "GATEHOUSE_USER_POOL_ID")
        #expect(error(["GATEHOUSE_USER_POOL_ID": "us-east-1_AbC"])?.variable == "GATEHOUSE_CLIENT_IDS")
        var environment = Self.minimal
        environment["GATEHOUSE_TOKEN_USE"] = "refresh"
        #expect(error(environment)?.variable == "GATEHOUSE_TOKEN_USE")
        environment = Self.minimal
        environment["GATEHOUSE_ALLOWED_ORIGINS"] = "https://app.example.com/path"
        #expect(error(environment)?.variable == "GATEHOUSE_ALLOWED_ORIGINS")
        environment = Self.minimal
        environment["GATEHOUSE_JWKS_URL"] = "file:///etc/passwd"
        #expect(error(environment)?.variable == "GATEHOUSE_JWKS_URL")
        environment = Self.minimal
        environment["GATEHOUSE_CLOCK_LEEWAY"] = "-1"
        #expect(error(environment)?.variable == "GATEHOUSE_CLOCK_LEEWAY")
        environment = Self.minimal
        environment["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = "nonsense"
        #expect(error(environment)?.variable == "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
    }
}

struct CORSPolicyTests {
    let policy = CORSPolicy(allowedOrigins: ["https://app.example.com", "http://127.0.0.1:3000"])

    @Test func allowedOriginGetsHeaders() {
        let headers = Dictionary(policy.responseHeaders(origin: "https://app.example.com"), uniquingKeysWith: { a, _ in a })
        #expect(headers["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(headers["Vary"] == "Origin")
    }

    @Test func otherOriginsGetOnlyVary() {
        for origin in ["https://evil.example", "https://app.example.com.evil.example", "null", "http://app.example.com"] {
            #expect(policy.responseHeaders(origin: origin).map(\.0) == ["Vary"])
        }
    }

    @Test func onlyTheExactOriginIsGranted() {
        // Configured with a trailing slash and capitals: stored as browsers send origins.
        let configured = CORSPolicy(allowedOrigins: ["HTTP://App.Example:3000/"])
        #expect(configured.allows(origin: "http://app.example:3000"))
        for variant in [
            "http://app.example:3000/", "HTTP://APP.EXAMPLE:3000", "http://App.example:3000", "http://app.example:3001",
            "http://app.example", "https://app.example:3000", "http://app.example:3000 ",
        ] {
            #expect(!configured.allows(origin: variant), "\(variant)")
            let headers = configured.responseHeaders(origin: variant)
            #expect(headers.map(\.0) == ["Vary"], "\(variant)")
            #expect(!headers.contains { $0.1 == variant }, "\(variant) must never be echoed")
            #expect(configured.preflight(origin: variant, method: "GET", requestHeaders: nil) == .refused)
        }
    }

    @Test func preflight() {
        guard
            case .allowed(let headers) = policy.preflight(
                origin: "http://127.0.0.1:3000",
                method: "GET",
                requestHeaders: "Authorization, X-Request-Id"
            )
        else {
            Issue.record("preflight refused")
            return
        }
        #expect(headers["Access-Control-Allow-Methods"]?.contains("GET") == true)
        #expect(policy.preflight(origin: "https://evil.example", method: "GET", requestHeaders: nil) == .refused)
        #expect(policy.preflight(origin: "https://app.example.com", method: "DELETE", requestHeaders: nil) == .refused)
        #expect(policy.preflight(origin: "https://app.example.com", method: "GET", requestHeaders: "x-evil") == .refused)
    }
}
