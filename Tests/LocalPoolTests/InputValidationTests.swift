import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LocalPool
import Logging
import Testing

/// Numbers, names and passwords from outside are checked against Cognito's ranges and patterns
/// before they are stored; nothing traps, nothing is cut short at a NUL.
struct InputValidationTests {
    func withAPI(_ body: @escaping @Sendable (PoolFixture, PoolRecord, any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { http in try await body(fixture, pool, http) }
    }

    static func type(_ response: TestResponse) -> String? {
        CognitoAPIRouteTests.object(response)["__type"] as? String
    }

    @Test(arguments: [
        #""AccessTokenValidity":9223372036854775807,"TokenValidityUnits":{"AccessToken":"seconds"}"#,
        #""AccessTokenValidity":99999999999999999999999"#,
        #""AccessTokenValidity":1e30"#,
        #""AccessTokenValidity":-1"#,
        #""AccessTokenValidity":0"#,
        #""AccessTokenValidity":1.5"#,
        #""AccessTokenValidity":"60""#,
        #""AccessTokenValidity":true"#,
        #""AccessTokenValidity":86401,"TokenValidityUnits":{"AccessToken":"seconds"}"#,
        #""AccessTokenValidity":25"#,
        #""IdTokenValidity":2,"TokenValidityUnits":{"IdToken":"days"}"#,
        #""RefreshTokenValidity":3651"#,
        #""RefreshTokenValidity":315360001,"TokenValidityUnits":{"RefreshToken":"seconds"}"#,
        #""AccessTokenValidity":60,"TokenValidityUnits":{"AccessToken":"fortnights"}"#,
    ])
    func outOfRangeValiditiesAreRefusedAndNothingIsStored(_ members: String) async throws {
        try await withAPI { fixture, pool, http in
            let response = try await CognitoAPIRouteTests.call(
                http,
                "CreateUserPoolClient",
                #"{"UserPoolId":"\#(pool.id)","ClientName":"bad",\#(members)}"#
            )
            #expect(response.status == .badRequest)
            #expect(Self.type(response) == "InvalidParameterException")
            await #expect(try fixture.service.pools.clients(poolID: pool.id).isEmpty)
            // The server still answers.
            let list = try await CognitoAPIRouteTests.call(http, "ListUserPoolClients", #"{"UserPoolId":"\#(pool.id)"}"#)
            #expect(list.status == .ok)
        }
    }

    @Test func validValiditiesAreStoredInSeconds() async throws {
        try await withAPI { fixture, pool, http in
            let response = try await CognitoAPIRouteTests.call(
                http,
                "CreateUserPoolClient",
                #"{"UserPoolId":"\#(pool.id)","ClientName":"ok","AccessTokenValidity":86400,"IdTokenValidity":24,"#
                    + #""RefreshTokenValidity":3650,"TokenValidityUnits":{"AccessToken":"seconds","IdToken":"hours","RefreshToken":"days"}}"#
            )
            #expect(response.status == .ok)
            let shape = try #require(CognitoAPIRouteTests.object(response)["UserPoolClient"] as? [String: Any])
            #expect(shape["AccessTokenValidity"] as? Int == 86400)
            #expect(shape["IdTokenValidity"] as? Int == 86400)
            #expect(shape["RefreshTokenValidity"] as? Int == 315_360_000)
        }
    }

    @Test func aClientStoredWithAnAbsurdValidityStillSignsIn() async throws {
        // Clients saved before the API checked its numbers: issuing must clamp, never trap.
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        var settings = ClientSettings.defaults
        settings.explicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        settings.accessTokenValidity = 9.223372036854776e18
        settings.idTokenValidity = 1e300
        settings.refreshTokenValidity = -5
        let client = try await fixture.service.pools.createClient(poolID: pool.id, name: "old", generateSecret: false, settings: settings)
        try await fixture.confirmedUser(pool)
        let (access, id, refresh) = try await fixture.signIn(client)
        let claims = try #require(JSONParser.parse(Base64URL.decode(access.split(separator: ".")[1])!).objectValue)
        #expect(claims["exp"]?.numberValue == 1_800_086_400.0)
        let idClaims = try #require(JSONParser.parse(Base64URL.decode(id.split(separator: ".")[1])!).objectValue)
        #expect(idClaims["exp"]?.numberValue == 1_800_086_400.0)
        // The refresh token lives the minimum (1 s): it works now and not 2 s later.
        _ = try await fixture.service.tokens.refresh(client: client, refreshToken: refresh, caller: .initiateAuth(secretHash: nil))
        fixture.advance(2)
        await #expect(throws: LocalPoolError.self) {
            try await fixture.service.tokens.refresh(client: client, refreshToken: refresh, caller: .initiateAuth(secretHash: nil))
        }
    }

    @Test(arguments: [
        ("ListUsers", #""Limit":61"#), ("ListUsers", #""Limit":9223372036854775807"#), ("ListUsers", #""Limit":-1"#),
        ("ListUsers", #""Limit":2.5"#), ("ListUserPools", #""MaxResults":0"#), ("ListUserPools", #""MaxResults":1e300"#),
    ])
    func pagingNumbersAreChecked(_ operation: String, _ member: String) async throws {
        try await withAPI { _, pool, http in
            let response = try await CognitoAPIRouteTests.call(http, operation, #"{"UserPoolId":"\#(pool.id)",\#(member)}"#)
            #expect(response.status == .badRequest)
            #expect(Self.type(response) == "InvalidParameterException")
        }
    }

    @Test(arguments: ["nuluser\u{0000}tail", "evil\u{202E}txt.exe", "tab\tname", "new\nline", "", String(repeating: "a", count: 129)])
    func usernamesFollowCognitosPattern(_ username: String) async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let error = await #expect(throws: LocalPoolError.self) {
            _ = try await fixture.service.users.createUser(poolID: pool.id, username: username, attributes: [], temporaryPassword: nil)
        }
        #expect(error?.type == "InvalidParameterException")
        await #expect(try fixture.service.users.listUsers(poolID: pool.id, filter: nil, limit: 60, after: nil).users.isEmpty)
    }

    @Test func unicodeUsernamesThatCognitoAllowsAreAccepted() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        for name in ["jöran", "名前", "a.b-c_d+e@example.com"] {
            let user = try await fixture.service.users.createUser(poolID: pool.id, username: name, attributes: [], temporaryPassword: nil)
            #expect(user.username == name)
        }
    }

    @Test func aNULAfterAUsernameIsNotThatUser() async throws {
        try await withAPI { fixture, pool, http in
            let client = try await fixture.client(pool)
            try await fixture.confirmedUser(pool, "victim1")
            // Through the service (the hosted login's path) and through the JSON API.
            await #expect(throws: LocalPoolError.self) {
                _ = try await fixture.signIn(client, "victim1\u{0000}zzz")
            }
            let response = try await CognitoAPIRouteTests.call(
                http,
                "InitiateAuth",
                #"{"ClientId":"\#(client.id)","AuthFlow":"USER_PASSWORD_AUTH","#
                    + #""AuthParameters":{"USERNAME":"victim1\u0000zzz","PASSWORD":"Passw0rd!"}}"#
            )
            #expect(response.status == .badRequest)
            #expect(CognitoAPIRouteTests.object(response)["AuthenticationResult"] == nil)
            let created = try await CognitoAPIRouteTests.call(
                http,
                "AdminCreateUser",
                #"{"UserPoolId":"\#(pool.id)","Username":"nuluser\u0000tail"}"#
            )
            #expect(Self.type(created) == "InvalidParameterException")
            await #expect(throws: LocalPoolError.self) { try await fixture.service.users.user(poolID: pool.id, username: "nuluser") }
        }
    }

    @Test func passwordsWithNULOrControlCharactersAreRefused() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        try await fixture.confirmedUser(pool)
        for password in ["Ab1!\u{0000}xyzzzz", "Ab1!xyzzzz\u{0000}", "Ab1!\u{0007}xyzzzz"] {
            let error = await #expect(throws: LocalPoolError.self) {
                try await fixture.service.users.setPassword(poolID: pool.id, username: "alice", password: password, permanent: true)
            }
            #expect(error?.type == "InvalidPasswordException")
        }
    }

    @Test func everyCharacterOfALongPasswordCounts() async throws {
        // bcrypt alone reads 72 bytes: a 94-character password with another tail must not match.
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        let long = "Aa1!" + String(repeating: "x", count: 80) + "0123456789"
        try await fixture.confirmedUser(pool, password: long)
        _ = try await fixture.signIn(client, password: long)
        let otherTail = "Aa1!" + String(repeating: "x", count: 80) + "9876543210"
        await #expect(throws: LocalPoolError.self) { _ = try await fixture.signIn(client, password: otherTail) }
        let maximum = "Aa1!" + String(repeating: "é", count: 252)  // 256 characters, 508 bytes
        try await fixture.service.users.setPassword(poolID: pool.id, username: "alice", password: maximum, permanent: true)
        _ = try await fixture.signIn(client, password: maximum)
        await #expect(throws: LocalPoolError.self) { _ = try await fixture.signIn(client, password: String(maximum.dropLast()) + "e") }
    }

    @Test func hugeIdentifiersAreNotEchoed() async throws {
        try await withAPI { _, _, http in
            let huge = "us-east-1_" + String(repeating: "A", count: 900_000)
            let response = try await CognitoAPIRouteTests.call(http, "DescribeUserPool", #"{"UserPoolId":"\#(huge)"}"#)
            #expect(response.status == .badRequest)
            #expect(Self.type(response) == "InvalidParameterException")
            #expect(response.body.readableBytes < 1024)
            let header = response.headers[HTTPField.Name("x-amzn-ErrorMessage")!] ?? ""
            #expect(!header.isEmpty && header.utf8.count <= 512)
            let user = try await CognitoAPIRouteTests.call(
                http,
                "AdminGetUser",
                #"{"UserPoolId":"us-east-1_abc","Username":"\#(String(repeating: "u", count: 900_000))"}"#
            )
            #expect(user.body.readableBytes < 1024)
        }
    }
}
