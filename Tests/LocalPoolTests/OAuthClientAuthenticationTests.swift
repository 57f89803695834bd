import Crypto
import Foundation
import GatehouseCore
import LocalPool
import Testing

/// RFC 6749 §2.3: one client authentication method per request, and no secret from a public client;
/// §4.1.2: a code redeemed twice revokes the tokens of its first redemption.
struct OAuthClientAuthenticationTests {
    static let callback = "http://127.0.0.1:3000/"
    static let verifier = String(repeating: "v", count: 50)

    func setUp(secret: Bool) async throws -> (PoolFixture, ClientRecord) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        var settings = ClientSettings.defaults
        settings.allowedOAuthFlows = ["code"]
        settings.allowedOAuthScopes = ["openid", "aws.cognito.signin.user.admin"]
        settings.callbackURLs = [Self.callback]
        let client = try await fixture.service.pools.createClient(poolID: pool.id, name: "c", generateSecret: secret, settings: settings)
        try await fixture.confirmedUser(pool)
        return (fixture, client)
    }

    func error(_ body: () async throws(OAuthError) -> ClientRecord) async -> String? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error.error
        }
    }

    @Test func twoMethodsAreAnInvalidRequest() async throws {
        let (fixture, client) = try await setUp(secret: true)
        let secret = try #require(client.secret)
        let other = try await fixture.service.pools.createClient(
            poolID: client.poolId,
            name: "other",
            generateSecret: false,
            settings: client.settings
        )
        #expect(
            await error { () throws(OAuthError) in
                try await fixture.service.hostedLogin.authenticateClient(basic: (client.id, secret), bodyID: other.id, bodySecret: nil)
            }
                == "invalid_request"
        )
        #expect(
            await error { () throws(OAuthError) in
                try await fixture.service.hostedLogin.authenticateClient(basic: (client.id, secret), bodyID: nil, bodySecret: secret)
            }
                == "invalid_request"
        )
        #expect(
            await error { () throws(OAuthError) in
                try await fixture.service.hostedLogin.authenticateClient(basic: (client.id, secret), bodyID: nil, bodySecret: "x")
            }
                == "invalid_request"
        )
        // The same client id in the body as in Basic is common and allowed.
        await #expect(
            try fixture.service.hostedLogin.authenticateClient(basic: (client.id, secret), bodyID: client.id, bodySecret: nil).id == client.id
        )
    }

    @Test func aPublicClientSendingASecretIsRefused() async throws {
        let (fixture, client) = try await setUp(secret: false)
        #expect(
            await error { () throws(OAuthError) in
                try await fixture.service.hostedLogin.authenticateClient(basic: nil, bodyID: client.id, bodySecret: "bogus")
            }
                == "invalid_client"
        )
        #expect(
            await error { () throws(OAuthError) in
                try await fixture.service.hostedLogin.authenticateClient(basic: (client.id, "bogus"), bodyID: nil, bodySecret: nil)
            }
                == "invalid_client"
        )
        await #expect(try fixture.service.hostedLogin.authenticateClient(basic: nil, bodyID: client.id, bodySecret: nil).id == client.id)
        await #expect(try fixture.service.hostedLogin.authenticateClient(basic: (client.id, ""), bodyID: nil, bodySecret: nil).id == client.id)
    }

    @Test func aSecondRedemptionRevokesTheFirstOnesTokens() async throws {
        let (fixture, client) = try await setUp(secret: false)
        let request = try await fixture.service.hostedLogin.authorizeRequest([
            "response_type": "code", "client_id": client.id, "redirect_uri": Self.callback,
            "scope": "openid aws.cognito.signin.user.admin",
            "code_challenge": Base64URL.encode(SHA256.hash(data: Array(Self.verifier.utf8))), "code_challenge_method": "S256",
        ])
        let code = try await fixture.service.hostedLogin.issueCode(
            for: request,
            user: try fixture.service.users.user(poolID: client.poolId, username: "alice"),
            authTime: 0
        )
        let outcome = try await fixture.service.hostedLogin.exchangeCode(
            client: client,
            code: code,
            redirectURI: Self.callback,
            verifier: Self.verifier
        )
        guard case .tokens(let access, _, let refresh?, _, _) = outcome else {
            Issue.record("expected tokens")
            return
        }
        _ = try await fixture.service.tokens.validateAccessToken(access)
        _ = try await fixture.service.hostedLogin.refreshGrant(client: client, refreshToken: refresh)

        await #expect(throws: OAuthError.self) {
            try await fixture.service.hostedLogin.exchangeCode(client: client, code: code, redirectURI: Self.callback, verifier: Self.verifier)
        }
        await #expect(throws: OAuthError.self) { try await fixture.service.hostedLogin.refreshGrant(client: client, refreshToken: refresh) }
        await #expect(throws: LocalPoolError.self) { _ = try await fixture.service.tokens.validateAccessToken(access) }
    }
}
