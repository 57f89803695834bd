import Foundation
import GatehouseCore
import LocalPool
import Logging
import Testing

/// Resource servers, the scopes clients may be allowed, and the `client_credentials` grant.
struct ResourceServerTests {
    let logger = Logger(label: "test")
    static let orders = [
        ResourceServerScope(scopeName: "read", scopeDescription: "Read orders"),
        ResourceServerScope(scopeName: "write", scopeDescription: "Change orders"),
    ]

    func expectError(_ type: String, message: String? = nil, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async
    {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
        if let message { #expect(error?.message == message, sourceLocation: sourceLocation) }
    }

    func oauthError(_ body: () async throws(OAuthError) -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch {
            return error.error
        }
    }

    /// A pool with the resource server `https://api.example.com` (read, write).
    func setUp(backing: PoolFixture.Backing = .memory) async throws -> (PoolFixture, PoolRecord) {
        let fixture = try PoolFixture(backing: backing)
        let pool = try await fixture.service.pools.createPool(name: "p")
        _ = try await fixture.service.pools.createResourceServer(
            poolID: pool.id,
            identifier: "https://api.example.com",
            name: "Orders",
            scopes: Self.orders
        )
        return (fixture, pool)
    }

    /// A confidential client of the client_credentials flow allowed `scopes`.
    func machine(_ fixture: PoolFixture, _ pool: PoolRecord, scopes: [String], validity: Double = 1800) async throws -> ClientRecord {
        var settings = ClientSettings.defaults
        settings.allowedOAuthFlows = ["client_credentials"]
        settings.allowedOAuthScopes = scopes
        settings.accessTokenValidity = validity
        return try await fixture.service.pools.createClient(poolID: pool.id, name: "worker", generateSecret: true, settings: settings)
    }

    @Test(arguments: [PoolFixture.Backing.memory, .file])
    func resourceServersAreCreatedDescribedReplacedAndDeleted(backing: PoolFixture.Backing) async throws {
        let (fixture, pool) = try await setUp(backing: backing)
        let pools = fixture.service.pools
        let described = try await pools.resourceServer(poolID: pool.id, identifier: "https://api.example.com")
        #expect(described.name == "Orders")
        #expect(described.scopeNames == ["https://api.example.com/read", "https://api.example.com/write"])
        await expectError("InvalidParameterException", message: "https://api.example.com already exists in user pool \(pool.id).") {
            _ = try await pools.createResourceServer(poolID: pool.id, identifier: "https://api.example.com", name: "Again", scopes: [])
        }
        _ = try await pools.createResourceServer(poolID: pool.id, identifier: "billing", name: "Billing", scopes: [])
        #expect(try await pools.resourceServers(poolID: pool.id).map(\.identifier) == ["billing", "https://api.example.com"])
        let replaced = try await pools.updateResourceServer(
            poolID: pool.id,
            identifier: "https://api.example.com",
            name: "Orders v2",
            scopes: [.init(scopeName: "admin", scopeDescription: "All")]
        )
        #expect(replaced.scopeNames == ["https://api.example.com/admin"])
        #expect(try await pools.resourceServer(poolID: pool.id, identifier: "https://api.example.com") == replaced)
        try await pools.deleteResourceServer(poolID: pool.id, identifier: "billing")
        await expectError("ResourceNotFoundException", message: "Resource server billing does not exist.") {
            _ = try await pools.resourceServer(poolID: pool.id, identifier: "billing")
        }
        await expectError("ResourceNotFoundException") { try await pools.deleteResourceServer(poolID: pool.id, identifier: "billing") }
        await expectError("ResourceNotFoundException") {
            _ = try await pools.updateResourceServer(poolID: pool.id, identifier: "billing", name: "B", scopes: [])
        }
        // Deleting the pool takes its resource servers with it.
        try await pools.deletePool(pool.id)
        await expectError("ResourceNotFoundException") { _ = try await pools.resourceServers(poolID: pool.id) }
    }

    @Test func membersOutsideCognitosConstraintsAreRefused() async throws {
        let (fixture, pool) = try await setUp()
        let pools = fixture.service.pools
        let cases: [(String, String, [ResourceServerScope], String)] = [
            ("", "n", [], "identifier"),
            ("has space", "n", [], "identifier"),
            ("quote\"", "n", [], "identifier"),
            ("nul\u{0}", "n", [], "identifier"),
            (String(repeating: "i", count: 257), "n", [], "identifier"),
            ("ok", "bad/name", [], "name"),
            ("ok", "ünïcode", [], "name"),
            ("ok", "n", [.init(scopeName: "a/b", scopeDescription: "d")], "scopes.member.scopeName"),
            ("ok", "n", [.init(scopeName: "a", scopeDescription: "")], "scopes.member.scopeDescription"),
            ("ok", "n", [.init(scopeName: "a", scopeDescription: String(repeating: "d", count: 257))], "scopes.member.scopeDescription"),
        ]
        for (identifier, name, scopes, member) in cases {
            let error = await #expect(throws: LocalPoolError.self) {
                _ = try await pools.createResourceServer(poolID: pool.id, identifier: identifier, name: name, scopes: scopes)
            }
            #expect(error?.type == "InvalidParameterException")
            #expect(error?.message.contains("'\(member)'") == true, "\(member): \(error?.message ?? "")")
        }
        // 256 characters are allowed; 100 scopes are, 101 are not; a scope given twice is not.
        _ = try await pools.createResourceServer(poolID: pool.id, identifier: String(repeating: "i", count: 256), name: "n", scopes: [])
        let hundred = (0..<100).map { ResourceServerScope(scopeName: "s\($0)", scopeDescription: "d") }
        _ = try await pools.createResourceServer(poolID: pool.id, identifier: "many", name: "n", scopes: hundred)
        await expectError("InvalidParameterException") {
            _ = try await pools.createResourceServer(
                poolID: pool.id,
                identifier: "more",
                name: "n",
                scopes: hundred + [.init(scopeName: "x", scopeDescription: "d")]
            )
        }
        await expectError("InvalidParameterException") {
            _ = try await pools.createResourceServer(poolID: pool.id, identifier: "twice", name: "n", scopes: [hundred[0], hundred[0]])
        }
        #expect(try await pools.resourceServers(poolID: pool.id).count == 3)
    }

    @Test func clientsMayNameOnlyScopesThatExistAndClientCredentialsGoesAlone() async throws {
        let (fixture, pool) = try await setUp()
        await expectError("ScopeDoesNotExistException", message: "Invalid scope requested: https://api.example.com/delete") {
            _ = try await machine(fixture, pool, scopes: ["https://api.example.com/read", "https://api.example.com/delete"])
        }
        await expectError("ScopeDoesNotExistException", message: "Invalid scope requested: Cognito") {
            _ = try await machine(fixture, pool, scopes: ["Cognito"])
        }
        var settings = ClientSettings.defaults
        settings.allowedOAuthFlows = ["client_credentials", "code"]
        settings.allowedOAuthScopes = ["https://api.example.com/read"]
        await expectError("InvalidOAuthFlowException", message: "client_credentials flow can not be selected along with code flow or implicit flow.")
        {
            _ = try await fixture.service.pools.createClient(poolID: pool.id, name: "c", generateSecret: true, settings: settings)
        }
        settings.allowedOAuthFlows = ["client_credentials"]
        await expectError(
            "InvalidOAuthFlowException",
            message: "client_credentials flow can not be selected if client does not have a client secret."
        ) {
            _ = try await fixture.service.pools.createClient(poolID: pool.id, name: "c", generateSecret: false, settings: settings)
        }
        settings.allowedOAuthFlows = ["password"]
        await expectError("InvalidParameterException") {
            _ = try await fixture.service.pools.createClient(poolID: pool.id, name: "c", generateSecret: true, settings: settings)
        }
        // An update is held to the same rules.
        let client = try await machine(fixture, pool, scopes: ["https://api.example.com/read"])
        settings.allowedOAuthFlows = ["client_credentials"]
        settings.allowedOAuthScopes = ["https://other.example.com/read"]
        await expectError("ScopeDoesNotExistException") {
            _ = try await fixture.service.pools.updateClient(client.id, poolID: pool.id, name: nil, settings: settings)
        }
        #expect(try await fixture.service.pools.client(client.id).settings.allowedOAuthScopes == ["https://api.example.com/read"])
    }

    @Test func theGrantGivesTheScopesAskedForOrAllAndRefusesOthers() async throws {
        let (fixture, pool) = try await setUp()
        let client = try await machine(fixture, pool, scopes: ["https://api.example.com/read", "https://api.example.com/write"])
        let login = fixture.service.hostedLogin
        let verifier = try await fixture.verifier(pool, clients: [client.id])

        let all = try await login.clientCredentialsGrant(client: client, scope: nil)
        #expect(all.expiresIn == 1800)
        let token = try await verifier.verify(all.token, logger: logger)
        #expect(token.isClientCredentials)
        #expect(token.tokenUse == .access)
        #expect(token.subject == client.id)
        #expect(token.claims["client_id"]?.stringValue == client.id)
        #expect(token.claims["username"] == nil)
        #expect(token.claims["scope"]?.stringValue == "https://api.example.com/read https://api.example.com/write")
        #expect(token.claims["exp"]?.numberValue == 1_800_001_800)
        #expect(token.claims["iat"]?.numberValue == 1_800_000_000)
        #expect(token.claims["token_use"]?.stringValue == "access")

        let one = try await login.clientCredentialsGrant(client: client, scope: "https://api.example.com/write")
        #expect(try await verifier.verify(one.token, logger: logger).claims["scope"]?.stringValue == "https://api.example.com/write")

        for asked in ["https://api.example.com/read https://api.example.com/admin", "openid", "https://api.example.com/read openid", "nonsense"] {
            #expect(
                await oauthError { () throws(OAuthError) in _ = try await login.clientCredentialsGrant(client: client, scope: asked) }
                    == "invalid_scope",
                "\(asked)"
            )
        }
        // A scope its resource server dropped is granted no more.
        _ = try await fixture.service.pools.updateResourceServer(
            poolID: pool.id,
            identifier: "https://api.example.com",
            name: "Orders",
            scopes: [Self.orders[0]]
        )
        let after = try await login.clientCredentialsGrant(client: client, scope: nil)
        #expect(try await verifier.verify(after.token, logger: logger).claims["scope"]?.stringValue == "https://api.example.com/read")
        #expect(
            await oauthError { () throws(OAuthError) in
                _ = try await login.clientCredentialsGrant(client: client, scope: "https://api.example.com/write")
            }
                == "invalid_scope"
        )
        try await fixture.service.pools.deleteResourceServer(poolID: pool.id, identifier: "https://api.example.com")
        #expect(
            await oauthError { () throws(OAuthError) in _ = try await login.clientCredentialsGrant(client: client, scope: nil) } == "invalid_scope"
        )
    }

    @Test func onlyAConfidentialClientCredentialsClientGetsTheGrant() async throws {
        let (fixture, pool) = try await setUp()
        var settings = ClientSettings.defaults
        settings.allowedOAuthFlows = ["code"]
        settings.allowedOAuthScopes = ["openid", "https://api.example.com/read"]
        settings.callbackURLs = ["http://127.0.0.1:3000/"]
        let codeClient = try await fixture.service.pools.createClient(poolID: pool.id, name: "web", generateSecret: true, settings: settings)
        #expect(
            await oauthError { () throws(OAuthError) in
                _ = try await fixture.service.hostedLogin.clientCredentialsGrant(client: codeClient, scope: nil)
            }
                == "unauthorized_client"
        )
    }

    @Test func aClientTokenIsNoUsersAtThePoolsOwnEndpoints() async throws {
        let (fixture, pool) = try await setUp()
        let client = try await machine(fixture, pool, scopes: ["https://api.example.com/read"])
        let grant = try await fixture.service.hostedLogin.clientCredentialsGrant(client: client, scope: nil)
        await expectError("NotAuthorizedException", message: TokenService.clientTokenMessage) {
            _ = try await fixture.service.tokens.validateAccessToken(grant.token)
        }
    }

    @Test func customScopesReachUserTokensWhenTheClientAllowsThem() async throws {
        let (fixture, pool) = try await setUp()
        let client = try await fixture.codeClient(pool, scopes: ["openid", "https://api.example.com/read"])
        let request = try await fixture.service.hostedLogin.authorizeRequest([
            "client_id": client.id, "redirect_uri": "http://127.0.0.1:3000/", "response_type": "code",
            "code_challenge": String(repeating: "A", count: 43), "code_challenge_method": "S256",
            "scope": "openid https://api.example.com/read https://api.example.com/write",
        ])
        #expect(request.scopes == ["openid", "https://api.example.com/read"])
    }
}
