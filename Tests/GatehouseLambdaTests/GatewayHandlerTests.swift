import GatehouseLambda
import NIOCore
import Testing

/// API Gateway events through the same router the server runs.
struct GatewayHandlerTests {
    static func invoke(
        _ fixture: String,
        token: String = "",
        requestID: String = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"
    ) async throws -> [String: Any] {
        let invocation = LambdaInvocation(
            requestID: requestID,
            deadlineMilliseconds: .max,
            event: try LambdaTestSupport.fixture(fixture, token: token)
        )
        return LambdaTestSupport.object(try await LambdaTestSupport.handler().handle(invocation, logger: LambdaTestSupport.logger))
    }

    @Test func restEventWithValidTokenGetsTheProfile() async throws {
        let response = try await Self.invoke("rest-v1-userinfo", token: LambdaTestSupport.token())
        #expect(response["statusCode"] as? Int == 200)
        let headers = response["headers"] as? [String: String] ?? [:]
        #expect(headers["Access-Control-Allow-Origin"] == LambdaTestSupport.origin)
        #expect(headers["Cache-Control"] == "no-store")
        #expect(headers["X-Request-Id"] == "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
        let profile = LambdaTestSupport.object(response["body"] as? String)
        #expect(profile["sub"] as? String == "s-1")
        #expect(profile["username"] as? String == "alice")
        #expect(profile["email"] as? String == "alice@example.com")
        #expect(profile["nickname"] as? String == "Al")
    }

    @Test func httpAPIEventWithBareTokenGetsTheProfile() async throws {
        let response = try await Self.invoke("http-v2-userinfo", token: LambdaTestSupport.token(username: "bob"))
        #expect(response["statusCode"] as? Int == 200)
        let profile = LambdaTestSupport.object(response["body"] as? String)
        #expect(profile["username"] as? String == "bob")
        #expect(profile["name"] as? String == "bob")
    }

    @Test func aClientsOwnTokenHasNoProfile() async throws {
        let response = try await Self.invoke("http-v2-userinfo", token: LambdaTestSupport.clientToken())
        #expect(response["statusCode"] as? Int == 401)
        #expect(LambdaTestSupport.object(response["body"] as? String)["error"] as? String == "no_user")
    }

    @Test func missingTokenIs401WithTheLambdaRequestID() async throws {
        let response = try await Self.invoke("rest-v1-test-invoke", requestID: "11111111-2222-3333-4444-555555555555")
        #expect(response["statusCode"] as? Int == 401)
        let headers = response["headers"] as? [String: String] ?? [:]
        #expect(headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
        let body = LambdaTestSupport.object(response["body"] as? String)
        #expect(body["error"] as? String == "missing_token")
        #expect(body["requestId"] as? String == "11111111-2222-3333-4444-555555555555")
    }

    @Test func expiredTokenIs401WithCORSHeaders() async throws {
        let expired = LambdaTestSupport.token(exp: 1_000_000_000)
        let response = try await Self.invoke("rest-v1-userinfo", token: expired)
        #expect(response["statusCode"] as? Int == 401)
        let headers = response["headers"] as? [String: String] ?? [:]
        #expect(headers["Access-Control-Allow-Origin"] == LambdaTestSupport.origin)
    }

    @Test func preflightIsAnsweredByTheEdge() async throws {
        let response = try await Self.invoke("rest-v1-preflight")
        #expect(response["statusCode"] as? Int == 204)
        let headers = response["headers"] as? [String: String] ?? [:]
        #expect(headers["Access-Control-Allow-Origin"] == LambdaTestSupport.origin)
        #expect(headers["Access-Control-Allow-Methods"]?.contains("GET") == true)
    }

    @Test func unknownRouteIsJSON404() async throws {
        let response = try await Self.invoke("rest-v1-post-base64")
        #expect(response["statusCode"] as? Int == 404)
        #expect(LambdaTestSupport.object(response["body"] as? String)["error"] as? String == "not_found")
    }
}
