import Crypto
import Foundation
import GatehouseCore
import Hummingbird
import HummingbirdTesting
import LocalPool
import Logging
import Testing

/// Every place the pool compares a secret refuses a value whose length differs from the real one
/// by a multiple of 256 (the truncated length difference the old comparison took for equal).
struct SecretComparisonTests {
    @Test(arguments: [1, 255, 256, 512])
    func tokenEndpointRefusesWrongSecretsOfAnyLength(_ extra: Int) async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool, secret: true)
        let secret = try #require(client.secret)
        let junk = String(repeating: "Z", count: secret.count + extra)
        await #expect(throws: OAuthError.self) {
            try await fixture.service.hostedLogin.authenticateClient(basic: (client.id, junk), bodyID: nil, bodySecret: nil)
        }
        await #expect(throws: OAuthError.self) {
            try await fixture.service.hostedLogin.authenticateClient(basic: nil, bodyID: client.id, bodySecret: junk)
        }
        // The real secret with a tail is not the secret either.
        let tailed = secret + String(repeating: "Z", count: extra)
        await #expect(throws: OAuthError.self) {
            try await fixture.service.hostedLogin.authenticateClient(basic: (client.id, tailed), bodyID: nil, bodySecret: nil)
        }
    }

    @Test(arguments: [256, 512])
    func adminInitiateAuthRefusesALongSecretHash(_ extra: Int) async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool, secret: true)
        try await fixture.confirmedUser(pool)
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        // A real SECRET_HASH is 44 base64 characters.
        let junk = String(repeating: "A", count: 44 + extra)
        try await app.test(.router) { http in
            let response = try await CognitoAPIRouteTests.call(
                http,
                "AdminInitiateAuth",
                #"{"UserPoolId":"\#(pool.id)","ClientId":"\#(client.id)","AuthFlow":"ADMIN_USER_PASSWORD_AUTH","#
                    + #""AuthParameters":{"USERNAME":"alice","PASSWORD":"Passw0rd!","SECRET_HASH":"\#(junk)"}}"#
            )
            #expect(response.status == .badRequest)
            #expect(CognitoAPIRouteTests.object(response)["__type"] as? String == "NotAuthorizedException")
        }
    }

    @Test func revokeTokenRefusesALongClientSecret() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool, secret: true)
        let secret = try #require(client.secret)
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { http in
            let junk = String(repeating: "Z", count: secret.count + 256)
            let response = try await CognitoAPIRouteTests.call(
                http,
                "RevokeToken",
                #"{"ClientId":"\#(client.id)","ClientSecret":"\#(junk)","Token":"whatever"}"#
            )
            #expect(response.status == .badRequest)
            #expect(CognitoAPIRouteTests.object(response)["__type"] as? String == "NotAuthorizedException")
        }
    }

    @Test func pkceRefusesAWrongVerifier() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.codeClient(pool)
        try await fixture.confirmedUser(pool)
        let verifier = String(repeating: "v", count: 43)
        let request = try await fixture.service.hostedLogin.authorizeRequest([
            "response_type": "code", "client_id": client.id, "redirect_uri": "http://127.0.0.1:3000/", "scope": "openid",
            "code_challenge": Base64URL.encode(SHA256.hash(data: Array(verifier.utf8))), "code_challenge_method": "S256",
        ])
        let user = try await fixture.service.users.user(poolID: pool.id, username: "alice")
        for wrong in [String(repeating: "w", count: 43), String(repeating: "v", count: 44), String(repeating: "v", count: 128)] {
            let code = try await fixture.service.hostedLogin.issueCode(for: request, user: user, authTime: 0)
            await #expect(throws: OAuthError.self) {
                try await fixture.service.hostedLogin.exchangeCode(client: client, code: code, redirectURI: "http://127.0.0.1:3000/", verifier: wrong)
            }
        }
    }
}
