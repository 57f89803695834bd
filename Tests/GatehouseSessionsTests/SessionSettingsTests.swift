import GatehouseCore
import GatehouseSessions
import Testing

struct SessionSettingsTests {
    static let base = [
        "GATEHOUSE_OAUTH_CLIENT_ID": "abc123",
        "GATEHOUSE_OAUTH_DOMAIN": "https://example.auth.us-east-1.amazoncognito.com/",
        "GATEHOUSE_OAUTH_REDIRECT_URI": "https://app.example.com/",
    ]

    @Test func offWithoutAClientIDAndDefaultsOtherwise() throws {
        #expect(try SessionSettings.from([:]) == nil)
        let settings = try #require(try SessionSettings.from(Self.base))
        #expect(settings.endpoints.token == "https://example.auth.us-east-1.amazoncognito.com/oauth2/token")
        #expect(settings.logoutURI == "https://app.example.com/")
        #expect(settings.scopes == ["openid", "email", "profile"])
        #expect(settings.store == .memory && settings.clientSecret == nil)
        #expect(settings.idleTimeout == 8 * 3600 && settings.maxAge == 24 * 3600)
    }

    @Test func everyVariableIsRead() throws {
        var environment = Self.base
        environment["GATEHOUSE_OAUTH_CLIENT_SECRET"] = "s3cret"
        environment["GATEHOUSE_OAUTH_LOGOUT_URI"] = "https://app.example.com/bye"
        environment["GATEHOUSE_OAUTH_SCOPES"] = "openid email"
        environment["GATEHOUSE_SESSION_STORE"] = "sqlite:/var/lib/gatehouse/s.db"
        environment["GATEHOUSE_SESSION_KEYS"] = SessionKeys.generateKeyText()
        environment["GATEHOUSE_SESSION_IDLE_TIMEOUT"] = "900"
        environment["GATEHOUSE_SESSION_MAX_AGE"] = "3600"
        let settings = try #require(try SessionSettings.from(environment))
        #expect(settings.clientSecret == "s3cret" && settings.logoutURI == "https://app.example.com/bye")
        #expect(settings.scopes == ["openid", "email"] && settings.store == .sqlite(path: "/var/lib/gatehouse/s.db"))
        #expect(settings.idleTimeout == 900 && settings.maxAge == 3600 && settings.keys != nil)
        environment["GATEHOUSE_SESSION_STORE"] = "dynamodb:sessions"
        #expect(try SessionSettings.from(environment)?.store == .dynamodb(table: "sessions"))
    }

    @Test(arguments: [
        ("GATEHOUSE_OAUTH_DOMAIN", "ftp://x"),
        ("GATEHOUSE_OAUTH_REDIRECT_URI", "app.example.com"),
        ("GATEHOUSE_OAUTH_CLIENT_ID", "bad id!"),
        ("GATEHOUSE_OAUTH_SCOPES", "email profile"),
        ("GATEHOUSE_SESSION_STORE", "redis:x"),
        ("GATEHOUSE_SESSION_STORE", "sqlite"),
        ("GATEHOUSE_SESSION_KEYS", "dG9vIHNob3J0"),
        ("GATEHOUSE_SESSION_IDLE_TIMEOUT", "10"),
        ("GATEHOUSE_SESSION_MAX_AGE", "1e99"),
    ])
    func badValuesNameTheirVariableNotTheirValue(name: String, value: String) {
        var environment = Self.base
        environment[name] = value
        do {
            _ = try SessionSettings.from(environment)
            Issue.record("\(name)=\(value) was accepted")
        } catch {
            #expect(error.variable == name)
            #expect(!error.problem.contains(value) || value.count < 8)
        }
    }

    @Test func aMissingDomainOrRedirectIsNamed() {
        for name in ["GATEHOUSE_OAUTH_DOMAIN", "GATEHOUSE_OAUTH_REDIRECT_URI"] {
            var environment = Self.base
            environment[name] = nil
            #expect(
                throws: ConfigurationError(
                    variable: name,
                    problem: name.hasSuffix("DOMAIN")
                        ? "not set; the hosted login's base URL, e.g. https://example.auth.us-east-1.amazoncognito.com"
                        : "not set; the app page the hosted login returns to"
                )
            ) { try SessionSettings.from(environment) }
        }
    }
}
