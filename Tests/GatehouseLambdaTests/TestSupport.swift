import Crypto
import Foundation
import GatehouseCore
import GatehouseHTTP
import GatehouseLambda
import Hummingbird
import Logging
import NIOCore
import Synchronization
import _CryptoExtras

/// Fixtures, tokens and a router wired to an in-process directory.
enum LambdaTestSupport {
    static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
    static let clientID = "5abcdefghijklmnopqrstuvwxy"
    static let origin = "https://app.example.com"
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    /// A fixture event with `{{TOKEN}}` replaced.
    static func fixture(_ name: String, token: String = "") throws -> ByteBuffer {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).json")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "{{TOKEN}}", with: token)
        return ByteBuffer(string: text)
    }

    static func token(username: String = "alice", exp: Int = Int(Date().timeIntervalSince1970) + 600) -> String {
        sign(#"{"sub":"s-1","iss":"\#(issuer)","client_id":"\#(clientID)","token_use":"access","exp":\#(exp),"username":"\#(username)"}"#)
    }

    /// A `client_credentials` token, as Cognito shapes it: no username, the client is the subject.
    static func clientToken() -> String {
        let exp = Int(Date().timeIntervalSince1970) + 600
        return sign(
            #"{"sub":"\#(clientID)","iss":"\#(issuer)","client_id":"\#(clientID)","token_use":"access","scope":"https://api.example.com/read","exp":\#(exp)}"#
        )
    }

    static func sign(_ claims: String) -> String {
        let header = #"{"kid":"k1","alg":"RS256"}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature = try! key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// The handler the bootstrap builds, over a directory that knows every user.
    static func handler() -> GatewayHandler<RouterResponder<GatehouseRequestContext>> {
        GatewayHandler(responder: buildRouter(dependencies()).buildResponder())
    }

    /// The API's dependencies over the test key and a directory that knows every user.
    static func dependencies() -> GatehouseDependencies {
        let primitives = try! key.publicKey.getKeyPrimitives()
        let jwks =
            #"{"keys":[{"kid":"k1","kty":"RSA","alg":"RS256","use":"sig","e":"\#(Base64URL.encode(primitives.publicExponent))","n":"\#(Base64URL.encode(primitives.modulus))"}]}"#
        let keys = JWKSCache(fetcher: ClosureJWKSFetcher { _ in try JSONWebKeySet(json: Array(jwks.utf8)) })
        let verifier = TokenVerifier(configuration: TokenVerifierConfiguration(issuer: issuer, clientIDs: [clientID]), keys: keys)
        let directory = ClosureUserDirectory { name throws(DirectoryError) in
            DirectoryUser(
                username: name,
                attributes: [(name: "sub", value: "s-1"), (name: "email", value: "\(name)@example.com"), (name: "nickname", value: "Al")],
                enabled: true,
                status: "CONFIRMED"
            )
        }
        let dependencies = GatehouseDependencies(
            userInfo: UserInfoService(verifier: verifier, directory: directory),
            keys: keys,
            cors: CORSPolicy(allowedOrigins: [origin])
        )
        return dependencies
    }

    /// A JSON object from bytes (empty when it is not one, which fails the caller's checks).
    static func object(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func object(_ text: String?) -> [String: Any] {
        object(ByteBuffer(string: text ?? ""))
    }

    static let logger = Logger(label: "lambda-test")
}

/// A Runtime API that hands out queued events and records what the loop posts.
final class FakeRuntime: LambdaRuntimeAPI {
    struct Exhausted: Error {}

    enum Posted: Equatable {
        case response(String, String)
        case error(String, LambdaErrorReport)
        case initError(LambdaErrorReport)
    }

    private let queue: Mutex<[LambdaInvocation]>
    private let posts = Mutex<[Posted]>([])

    init(_ invocations: [LambdaInvocation]) {
        self.queue = Mutex(invocations)
    }

    var posted: [Posted] { posts.withLock { $0 } }

    func next() async throws -> LambdaInvocation {
        guard let invocation = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { throw Exhausted() }
        return invocation
    }

    func respond(requestID: String, body: ByteBuffer) async throws {
        posts.withLock { $0.append(.response(requestID, String(buffer: body))) }
    }

    func fail(requestID: String, error: LambdaErrorReport) async throws {
        posts.withLock { $0.append(.error(requestID, error)) }
    }

    func initFailed(_ error: LambdaErrorReport) async throws {
        posts.withLock { $0.append(.initError(error)) }
    }
}
