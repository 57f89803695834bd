import GatehouseHTTP
import GatehouseLambda
import HTTPTypes
import NIOCore
import Testing

struct GatewayEventTests {
    @Test func restEventWithRepeatedHeadersQueryAndAuthorizerClaims() throws {
        let request = try GatewayRequest.decode(LambdaTestSupport.fixture("rest-v1-userinfo", token: "t0k"))
        #expect(request.format == .restV1)
        #expect(request.head.method == .get)
        // multiValueQueryStringParameters wins over the single map, and values are re-encoded.
        #expect(request.head.path == "/userinfo?lang=en&tag=a%20b&tag=c%26d")
        #expect(request.head.authority == "abc123.execute-api.eu-west-1.amazonaws.com")
        // Header names in any case; repeated headers keep every value, in order.
        #expect(request.head.headerFields[.authorization] == "Bearer t0k")
        #expect(request.head.headerFields[values: HTTPField.Name("x-trace")!] == ["first", "second"])
        #expect(request.head.headerFields[HTTPField.Name("cloudfront-is-mobile-viewer")!] == "false")
        #expect(request.body.readableBytes == 0)
        #expect(request.gateway.requestID == "0ca7504f-9c1f-4a55-bb2c-7e1f0f6a1d2e")
        #expect(request.gateway.sourceIP == "198.51.100.7")
        #expect(request.gateway.claims["cognito:username"] == "alice")
        #expect(request.gateway.claims["exp"] == "Wed Nov 25 13:48:45 UTC 2026")
        #expect(request.gateway.claims["email_verified"] == "true")
        #expect(GatewayInfo.items(ofClaim: request.gateway.claims["cognito:groups"] ?? "") == ["admin", "users"])
        #expect(GatewayInfo.items(ofClaim: "solo") == ["solo"])
    }

    @Test func restTestInvokeWithNullMaps() throws {
        let request = try GatewayRequest.decode(LambdaTestSupport.fixture("rest-v1-test-invoke"))
        #expect(request.head.method == .get)
        #expect(request.head.path == "/userinfo")
        #expect(request.head.headerFields.isEmpty)
        #expect(request.gateway.claims.isEmpty)
        #expect(request.gateway.requestID == "3d1d1c5f-test-invoke")
    }

    @Test func restBase64BodyAndLowercaseMethod() throws {
        let request = try GatewayRequest.decode(LambdaTestSupport.fixture("rest-v1-post-base64"))
        #expect(request.head.method == .post)
        #expect(request.head.path == "/echo")
        #expect(Array(request.body.readableBytesView) == [0, 1, 2, 3, 0xFE, 0xFF, 0x68, 0x69])
    }

    @Test func httpAPIEventWithCookiesStageAndJWTClaims() throws {
        let request = try GatewayRequest.decode(LambdaTestSupport.fixture("http-v2-userinfo", token: "t0k"))
        #expect(request.format == .httpV2)
        #expect(request.head.method == .get)
        // The named stage is not part of the route; the raw query string is passed on as sent.
        #expect(request.head.path == "/userinfo?lang=en&tag=a%20b")
        #expect(request.head.headerFields[.authorization] == "t0k")
        #expect(request.head.headerFields[.cookie] == "theme=dark; session=abc")
        #expect(request.head.headerFields[HTTPField.Name("X-Trace")!] == "first,second")
        #expect(request.gateway.claims["client_id"] == "5abcdefghijklmnopqrstuvwxy")
        #expect(request.gateway.scopes == ["openid", "email"])
        #expect(request.gateway.sourceIP == "203.0.113.9")
        #expect(request.gateway.requestID == "JKJaXmPLvHcESHA=")
    }

    @Test func httpAPIBase64Body() throws {
        let request = try GatewayRequest.decode(LambdaTestSupport.fixture("http-v2-post-base64"))
        #expect(request.head.method == .post)
        #expect(request.head.path == "/echo")
        #expect(Array(request.body.readableBytesView) == [0, 1, 2, 3, 0xFE, 0xFF, 0x68, 0x69])
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        ("[1,2]", "not a JSON object"),
        (#"{"path":"/userinfo"}"#, "neither httpMethod"),
        (#"{"httpMethod":"GET","path":"userinfo"}"#, "path is missing"),
        (#"{"httpMethod":"G E T","path":"/userinfo"}"#, "method"),
        (#"{"httpMethod":"POST","path":"/x","body":"%%%","isBase64Encoded":true}"#, "base64"),
        (#"{"version":"2.0","rawPath":"/x","requestContext":{}}"#, "method"),
    ])
    func malformedEventsAreRefusedWithAReason(event: String, problem: String) {
        #expect {
            try GatewayRequest.decode(ByteBuffer(string: event))
        } throws: { error in
            (error as? GatewayEventError)?.problem.contains(problem) == true
        }
    }

    @Test func restResponseSplitsRepeatedHeadersIntoMultiValueHeaders() {
        var headers = HTTPFields()
        headers.append(HTTPField(name: .contentType, value: "application/json"))
        headers.append(HTTPField(name: .setCookie, value: "a=1"))
        headers.append(HTTPField(name: .setCookie, value: "b=2"))
        let encoded = GatewayResponse.encode(status: 200, headers: headers, body: ByteBuffer(string: #"{"ok":true}"#), format: .restV1)
        let object = LambdaTestSupport.object(encoded)
        #expect(object["statusCode"] as? Int == 200)
        #expect((object["headers"] as? [String: String]) == ["Content-Type": "application/json"])
        #expect((object["multiValueHeaders"] as? [String: [String]]) == ["Set-Cookie": ["a=1", "b=2"]])
        #expect(object["body"] as? String == #"{"ok":true}"#)
        #expect(object["isBase64Encoded"] as? Bool == false)
    }

    @Test func httpAPIResponseMovesSetCookieToCookiesAndBase64EncodesBinary() {
        var headers = HTTPFields()
        headers.append(HTTPField(name: .contentType, value: "application/octet-stream"))
        headers.append(HTTPField(name: .setCookie, value: "a=1"))
        headers.append(HTTPField(name: .setCookie, value: "b=2"))
        headers.append(HTTPField(name: .vary, value: "Origin"))
        headers.append(HTTPField(name: .vary, value: "Accept"))
        let encoded = GatewayResponse.encode(status: 201, headers: headers, body: ByteBuffer(bytes: [0, 0xFF, 0x41]), format: .httpV2)
        let object = LambdaTestSupport.object(encoded)
        #expect(object["statusCode"] as? Int == 201)
        #expect((object["cookies"] as? [String]) == ["a=1", "b=2"])
        #expect((object["headers"] as? [String: String]) == ["Content-Type": "application/octet-stream", "Vary": "Origin, Accept"])
        #expect(object["body"] as? String == "AP9B")
        #expect(object["isBase64Encoded"] as? Bool == true)
    }
}
