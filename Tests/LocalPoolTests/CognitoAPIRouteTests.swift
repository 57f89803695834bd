import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LocalPool
import Logging
import Synchronization
import Testing

struct CognitoAPIRouteTests {
    static func call(_ client: some TestClientProtocol, _ operation: String, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/",
            method: .post,
            headers: [
                .contentType: "application/x-amz-json-1.1",
                HTTPField.Name("X-Amz-Target")!: "AWSCognitoIdentityProviderService.\(operation)",
            ],
            body: ByteBuffer(string: body)
        )
    }

    static func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test func errorsHaveCognitosWireShape() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            let response = try await Self.call(client, "AdminGetUser", #"{"UserPoolId":"\#(pool.id)","Username":"ghost"}"#)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/x-amz-json-1.1")
            #expect(response.headers[HTTPField.Name("x-amzn-ErrorType")!] == "UserNotFoundException:")
            #expect(response.headers[HTTPField.Name("x-amzn-RequestId")!] != nil)
            let body = Self.object(response)
            #expect(body["__type"] as? String == "UserNotFoundException")
            #expect(body["message"] as? String == "User does not exist.")

            let unknown = try await Self.call(client, "DeleteEverything", "{}")
            #expect(Self.object(unknown)["__type"] as? String == "UnknownOperationException")
            let garbage = try await Self.call(client, "AdminGetUser", "not json")
            #expect(Self.object(garbage)["__type"] as? String == "SerializationException")
            let missing = try await Self.call(client, "AdminGetUser", #"{"UserPoolId":"\#(pool.id)"}"#)
            #expect(Self.object(missing)["__type"] as? String == "InvalidParameterException")
        }
    }

    @Test func adminGetUserShape() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        try await fixture.confirmedUser(pool)
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            let response = try await Self.call(client, "AdminGetUser", #"{"UserPoolId":"\#(pool.id)","Username":"alice"}"#)
            #expect(response.status == .ok)
            let body = Self.object(response)
            #expect(body["Username"] as? String == "alice")
            #expect(body["Enabled"] as? Bool == true)
            #expect(body["UserStatus"] as? String == "CONFIRMED")
            let attributes = body["UserAttributes"] as? [[String: String]] ?? []
            #expect(attributes.first?["Name"] == "sub")
            #expect(attributes.contains { $0["Name"] == "nickname" && $0["Value"] == "Al" })
            #expect(body["UserCreateDate"] as? Double == 1_800_000_000)
        }
    }

    @Test func discoveryAndJWKS() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            let discovery = try await client.execute(uri: "/\(pool.id)/.well-known/openid-configuration", method: .get)
            let document = Self.object(discovery)
            #expect(document["issuer"] as? String == "http://127.0.0.1:9229/\(pool.id)")
            #expect(document["jwks_uri"] as? String == "http://127.0.0.1:9229/\(pool.id)/.well-known/jwks.json")
            let jwks = try await client.execute(uri: "/\(pool.id)/.well-known/jwks.json", method: .get)
            #expect(try JSONWebKeySet(json: Array(jwks.body.readableBytesView)).keys.count == 2)
            let missing = try await client.execute(uri: "/us-east-1_Missing00/.well-known/jwks.json", method: .get)
            #expect(missing.status == .notFound)
        }
    }
}

struct AdminAuthenticatorRouteTests {
    @Test func adminCallsGoThroughTheAuthenticatorAndPublicOnesDoNot() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let seen = Mutex<[String]>([])
        let router = buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)) { request, _ in
            seen.withLock { $0.append(request.headers[HTTPField.Name("X-Amz-Target")!] ?? "-") }
            return LocalPoolError("UnrecognizedClientException", "The security token included in the request is invalid.")
        }
        let app = Application(router: router, logger: Logger(label: "test"))
        try await app.test(.router) { http in
            let admin = try await CognitoAPIRouteTests.call(http, "AdminGetUser", #"{"UserPoolId":"\#(pool.id)","Username":"alice"}"#)
            #expect(admin.status == .badRequest)
            #expect(admin.headers[HTTPField.Name("x-amzn-ErrorType")!] == "UnrecognizedClientException:")
            #expect(CognitoAPIRouteTests.object(admin)["Username"] == nil)
            let signIn = try await CognitoAPIRouteTests.call(
                http,
                "InitiateAuth",
                #"{"ClientId":"\#(client.id)","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"alice","PASSWORD":"Passw0rd!"}}"#
            )
            #expect(signIn.status == .ok)
        }
        #expect(seen.withLock { $0 } == ["AWSCognitoIdentityProviderService.AdminGetUser"])
    }
}
