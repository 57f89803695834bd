import Crypto
import Foundation
import GatehouseCore
import GatehouseEdge
import GatehouseHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import _CryptoExtras

struct UserInfoRouteTests {
    static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
    static let clientID = "5abcdefghijklmnopqrstuvwxy"
    static let origin = "https://app.example.com"
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func token(username: String = "alice", exp: Int = Int(Date().timeIntervalSince1970) + 600) -> String {
        let header = #"{"kid":"k1","alg":"RS256"}"#
        let claims = #"{"sub":"s-1","iss":"\#(issuer)","client_id":"\#(clientID)","token_use":"access","exp":\#(exp),"username":"\#(username)"}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature = try! key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    static func application(
        directory: @escaping @Sendable (String) async throws(DirectoryError) -> DirectoryUser = { name in
            DirectoryUser(
                username: name,
                attributes: [(name: "sub", value: "s-1"), (name: "email", value: "\(name)@example.com"), (name: "nickname", value: "Al")],
                enabled: true,
                status: "CONFIRMED"
            )
        }
    ) -> some ApplicationProtocol {
        let primitives = try! key.publicKey.getKeyPrimitives()
        let jwks =
            #"{"keys":[{"kid":"k1","kty":"RSA","alg":"RS256","use":"sig","e":"\#(Base64URL.encode(primitives.publicExponent))","n":"\#(Base64URL.encode(primitives.modulus))"}]}"#
        let keys = JWKSCache(fetcher: ClosureJWKSFetcher { _ in try JSONWebKeySet(json: Array(jwks.utf8)) })
        let verifier = TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: issuer, clientIDs: [clientID]),
            keys: keys
        )
        let dependencies = GatehouseDependencies(
            userInfo: UserInfoService(verifier: verifier, directory: ClosureUserDirectory(directory)),
            keys: keys,
            cors: CORSPolicy(allowedOrigins: [origin])
        )
        return Application(router: buildRouter(dependencies), logger: Logger(label: "test"))
    }

    /// The response body as a JSON object of strings (empty when it is not one, which fails the caller's checks).
    static func json(_ response: TestResponse) -> [String: String?] {
        let data = Data(response.body.readableBytesView)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [:] }
        return object.mapValues { $0 as? String }
    }

    @Test func profileWithBearerToken() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(
                uri: "/userinfo",
                method: .get,
                headers: [.authorization: "Bearer \(Self.token())", .origin: Self.origin]
            ) { response in
                #expect(response.status == .ok)
                let body = Self.json(response)
                #expect(body["sub"] == "s-1")
                #expect(body["username"] == "alice")
                #expect(body["name"] == "alice")
                #expect(body["email"] == "alice@example.com")
                #expect(body["nickname"] == "Al")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.headers[.accessControlAllowOrigin] == Self.origin)
                #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test func bareTokenWorksToo() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: Self.token()]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func missingTokenIs401WithChallengeAndCORS() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(
                uri: "/userinfo",
                method: .get,
                headers: [.origin: Self.origin, HTTPField.Name("X-Request-Id")!: "client-req-42"]
            ) { response in
                #expect(response.status == .unauthorized)
                let body = Self.json(response)
                #expect(body["error"] == "missing_token")
                #expect(body["requestId"] == "client-req-42")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "client-req-42")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(response.headers[.accessControlAllowOrigin] == Self.origin)
                #expect(response.headers[.accessControlExposeHeaders]?.contains("WWW-Authenticate") == true)
            }
        }
    }

    @Test func insaneRequestIDsAreReplaced() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(
                uri: "/userinfo",
                method: .get,
                headers: [HTTPField.Name("X-Request-Id")!: "bad id\u{7f}<script>"]
            ) { response in
                let id = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
                #expect(id.count == 32)
                #expect(Self.json(response)["requestId"] == id)
            }
        }
    }

    @Test func expiredTokenIs401() async throws {
        try await Self.application().test(.router) { client in
            let expired = Self.token(exp: Int(Date().timeIntervalSince1970) - 10)
            try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: "Bearer \(expired)"]) { response in
                #expect(response.status == .unauthorized)
                #expect(Self.json(response)["error"] == "expired_token")
                #expect(response.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            }
        }
    }

    @Test func otherOriginsGetNoCORSHeaders() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/userinfo", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[.vary] == "Origin")
            }
        }
    }

    @Test func preflightAllowedAndRefused() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(
                uri: "/userinfo",
                method: .options,
                headers: [
                    .origin: Self.origin, .accessControlRequestMethod: "GET", .accessControlRequestHeaders: "authorization",
                ]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == Self.origin)
                #expect(response.headers[.accessControlAllowHeaders]?.contains("authorization") == true)
                #expect(response.headers[.accessControlMaxAge] == "600")
            }
            try await client.execute(
                uri: "/userinfo",
                method: .options,
                headers: [.origin: "https://evil.example", .accessControlRequestMethod: "GET"]
            ) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(Self.json(response)["error"] == "origin_not_allowed")
            }
            try await client.execute(uri: "/userinfo", method: .options) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
            }
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/nope", method: .get, headers: [.origin: Self.origin]) { response in
                #expect(response.status == .notFound)
                #expect(Self.json(response)["error"] == "not_found")
                #expect(response.headers[.accessControlAllowOrigin] == Self.origin)
            }
            try await client.execute(uri: "/userinfo", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
                #expect(Self.json(response)["error"] == "method_not_allowed")
            }
        }
    }

    @Test func disabledUserIs401() async throws {
        let app = Self.application { name in
            DirectoryUser(username: name, attributes: [], enabled: false, status: "CONFIRMED")
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: Self.token()]) { response in
                #expect(response.status == .unauthorized)
                #expect(Self.json(response)["error"] == "user_disabled")
            }
        }
    }

    @Test func throttledPoolIs503WithRetryAfterAndNoInternals() async throws {
        let app = Self.application { _ throws(DirectoryError) in
            throw DirectoryError(.throttled, retryAfter: 3, detail: "TooManyRequestsException from arn:aws:cognito-idp:secret")
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: Self.token(), .origin: Self.origin]) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "3")
                #expect(response.headers[.accessControlAllowOrigin] == Self.origin)
                let text = String(buffer: response.body)
                #expect(!text.contains("arn:"))
                #expect(!text.contains("TooManyRequests"))
            }
        }
    }

    @Test func unexpectedErrorsAreGeneric500() async throws {
        let app = Self.application { _ throws(DirectoryError) in
            throw DirectoryError(.misconfigured, detail: "AccessDeniedException: User arn:aws:iam::123456789012:role/x")
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: Self.token()]) { response in
                #expect(response.status == .internalServerError)
                let body = Self.json(response)
                #expect(body["error"] == "internal_error")
                #expect(body["requestId"] != nil)
                #expect(!String(buffer: response.body).contains("123456789012"))
            }
        }
    }

    @Test func healthReportsKeys() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""status":"#))
            }
        }
    }

    @Test func redactsCredentialHeadersInLogs() {
        let metadata = AccessLog.redacted([
            .authorization: "Bearer secret-token", .cookie: "session=abc", .userAgent: "curl/8",
        ])
        #expect(metadata["authorization"] == "<redacted>")
        #expect(metadata["cookie"] == "<redacted>")
        #expect(metadata["user-agent"] == "curl/8")
    }
}
