import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LocalPool
import Logging
import Testing

/// The pool runs behind the same edge as the API: request ids, security headers, and errors
/// that render themselves (RFC 6749 on the OAuth endpoints).
struct PoolEdgeTests {
    @Test func everyAnswerHasARequestIDAndTheSecurityHeaders() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            let api = try await CognitoAPIRouteTests.call(client, "AdminGetUser", #"{"UserPoolId":"\#(pool.id)","Username":"ghost"}"#)
            let jwks = try await client.execute(uri: "/\(pool.id)/.well-known/jwks.json", method: .get)
            let missing = try await client.execute(uri: "/no/such/thing", method: .get)
            let token = try await client.execute(
                uri: "/oauth2/token",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example"],
                body: ByteBuffer(string: "grant_type=refresh_token&client_id=nope&refresh_token=x")
            )
            for response in [api, jwks, missing, token] {
                let id = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
                #expect(id.utf8.count == 32)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            }
            #expect(api.headers[HTTPField.Name("x-amzn-RequestId")!] == api.headers[HTTPField.Name("X-Request-Id")!])
            #expect(missing.status == .notFound)
            // RFC 6749 §5.2, no CORS grant for an unregistered origin.
            #expect(token.status == .badRequest || token.status == .unauthorized)
            let body = (try JSONSerialization.jsonObject(with: Data(token.body.readableBytesView))) as? [String: Any]
            #expect(body?["error"] as? String == "invalid_client")
            #expect(body?["error_description"] is String)
            #expect(token.headers[.cacheControl] == "no-store")
            #expect(token.headers[.accessControlAllowOrigin] == nil)
        }
    }

    /// RFC 6749 §3.1: a parameter given twice, or a body that does not decode, is refused whole.
    @Test func aRepeatedOrMalformedParameterIsAnInvalidRequest() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.codeClient(pool)
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { http in
            for body in [
                "grant_type=refresh_token&client_id=\(client.id)&refresh_token=x&refresh_token=y",
                "grant_type=refresh_token&client_id=\(client.id)&client_id=other&refresh_token=x",
                "grant_type=refresh_token&client_id=\(client.id)&refresh_token=%ZZ",
            ] {
                let token = try await http.execute(
                    uri: "/oauth2/token",
                    method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: body)
                )
                #expect(token.status == .badRequest, "\(body)")
                let answer = (try JSONSerialization.jsonObject(with: Data(token.body.readableBytesView))) as? [String: Any]
                #expect(answer?["error"] as? String == "invalid_request", "\(body)")
            }
        }
    }
}
