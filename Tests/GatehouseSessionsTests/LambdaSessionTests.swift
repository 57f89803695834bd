import Foundation
import GatehouseCore
import GatehouseHTTP
import GatehouseLambda
import GatehouseSessions
import Hummingbird
import Logging
import NIOCore
import Testing

/// The token handler through the Lambda front door: API Gateway events in, proxy responses out,
/// cookies in `Cookie` / `cookies` and out in `multiValueHeaders` / `cookies`.
struct LambdaSessionTests {
    static func event(v2: Bool, method: String, path: String, cookies: [String], body: String? = nil) -> ByteBuffer {
        var headers: [String: String] = ["origin": FakeIdP.origin, "x-csrf": "1", "content-type": "application/json"]
        var event: [String: Any]
        if v2 {
            event = [
                "version": "2.0", "rawPath": path, "rawQueryString": "", "headers": headers,
                "requestContext": ["http": ["method": method, "path": path, "sourceIp": "203.0.113.9"], "requestId": "r-1"],
                "isBase64Encoded": false,
            ]
            if !cookies.isEmpty { event["cookies"] = cookies }
        } else {
            if !cookies.isEmpty { headers["Cookie"] = cookies.joined(separator: "; ") }
            event = [
                "httpMethod": method, "path": path, "headers": headers,
                "requestContext": ["requestId": "r-1", "identity": ["sourceIp": "203.0.113.9"]], "isBase64Encoded": false,
            ]
        }
        event["body"] = body ?? NSNull()
        return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: event))
    }

    /// The `Set-Cookie` values of a proxy response, wherever its format puts them.
    static func setCookies(_ response: [String: Any], v2: Bool) -> [String] {
        if v2 { return response["cookies"] as? [String] ?? [] }
        if let multiple = (response["multiValueHeaders"] as? [String: [String]])?["Set-Cookie"] { return multiple }
        return ((response["headers"] as? [String: String])?["Set-Cookie"]).map { [$0] } ?? []
    }

    @Test(arguments: [false, true])
    func loginAndUserInfoThroughAPIGateway(v2: Bool) async throws {
        let harness = SessionHarness()
        let handler = GatewayHandler(responder: harness.router().buildResponder())
        let logger = Logger(label: "test")
        func call(_ method: String, _ path: String, cookies: [String], body: String? = nil) async throws -> [String: Any] {
            let output = try await handler.handle(
                LambdaInvocation(
                    requestID: "r-1",
                    deadlineMilliseconds: .max,
                    event: Self.event(v2: v2, method: method, path: path, cookies: cookies, body: body)
                ),
                logger: logger
            )
            return try JSONSerialization.jsonObject(with: Data(output.readableBytesView)) as! [String: Any]
        }
        func pair(_ setCookie: String) -> String { String(setCookie.prefix { $0 != ";" }) }

        let start = try await call("POST", "/auth/login/start", cookies: [])
        #expect(start["statusCode"] as? Int == 200)
        let loginCookie = try #require(Self.setCookies(start, v2: v2).first)
        let started = try JSONSerialization.jsonObject(with: Data((start["body"] as! String).utf8)) as! [String: Any]
        let (url, loginID) = (started["authorizationUrl"] as! String, started["loginId"] as! String)
        let page = harness.idp.completeLogin(authorizationURL: url)
        let end = try await call(
            "POST",
            "/auth/login/end",
            cookies: ["other=1", pair(loginCookie)],
            body: #"{"pageUrl":"\#(page)","loginId":"\#(loginID)"}"#
        )
        #expect(end["statusCode"] as? Int == 200)
        let set = Self.setCookies(end, v2: v2)
        #expect(set.count == 2)
        #expect(set.contains { $0.hasPrefix("__Host-gatehouse-login=;") && $0.contains("Max-Age=0") })
        let session = try #require(set.first { $0.hasPrefix("__Host-gatehouse=") })
        #expect(session.contains("HttpOnly") && session.contains("Secure") && session.contains("SameSite=Strict"))

        let profile = try await call("GET", "/userinfo", cookies: [pair(session)])
        #expect(profile["statusCode"] as? Int == 200)
        #expect((profile["body"] as? String)?.contains(#""username":"alice""#) == true)
        let out = try await call("POST", "/auth/logout", cookies: [pair(session)])
        #expect(Self.setCookies(out, v2: v2).first?.contains("Max-Age=0") == true)
        let after = try await call("GET", "/userinfo", cookies: [pair(session)])
        #expect(after["statusCode"] as? Int == 401)
    }
}
