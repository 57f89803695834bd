import Crypto
import GatehouseCore
import GatehouseHTTP
import GatehouseLambda
import Logging
import NIOCore
import _CryptoExtras

extension Bench {
    /// `gatehouse-bench authorizer [count]`: the authorizer's own time per warm HTTP API event
    /// with a bearer access token (decode, verification through the token cache, the answer), in
    /// process, without the Runtime API round trip that bench-lambda.sh's figures include.
    static func authorizer(count: Int) async throws {
        let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
        let clientID = "5abcdefghijklmnopqrstuvwxy"
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try key.publicKey.getKeyPrimitives()
        let jwks =
            #"{"keys":[{"kid":"k1","kty":"RSA","alg":"RS256","use":"sig","e":"\#(Base64URL.encode(primitives.publicExponent))","n":"\#(Base64URL.encode(primitives.modulus))"}]}"#
        let keySet = try JSONWebKeySet(json: Array(jwks.utf8))
        let now = 1_800_000_000
        let claims =
            #"{"sub":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","iss":"\#(issuer)","client_id":"\#(clientID)","token_use":"access","scope":"openid email","exp":\#(now + 3600),"iat":\#(now),"username":"alice"}"#
        let input = Base64URL.encode(Array(#"{"kid":"k1","alg":"RS256"}"#.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature = try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        let token = input + "." + Base64URL.encode(signature.rawRepresentation)
        let keys = JWKSCache(fetcher: ClosureJWKSFetcher { _ in keySet }, clock: .fixed(Double(now)))
        let verifier = TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: issuer, clientIDs: [clientID]),
            keys: keys,
            clock: .fixed(Double(now)),
            cache: VerifiedTokenCache(verifiedTokens: 10_000)
        )
        let userInfo = UserInfoService(
            verifier: verifier,
            directory: ClosureUserDirectory { _ throws(DirectoryError) in throw DirectoryError(.userNotFound) }
        )
        let handler = AuthorizerHandler(
            authenticator: RequestAuthenticator(userInfo: userInfo, sessions: nil, policy: CORSPolicy(allowedOrigins: [])),
            settings: AuthorizerSettings()
        )
        let event = ByteBuffer(
            string:
                #"{"version":"2.0","type":"REQUEST","routeArn":"arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/GET/api/orders/42","headers":{"authorization":"Bearer \#(token)"},"requestContext":{"http":{"method":"GET"}}}"#
        )
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        var times: [Double] = []
        times.reserveCapacity(count)
        for index in 0...count {
            let started = seconds()
            let answer = try await handler.handle(LambdaInvocation(requestID: "r\(index)", deadlineMilliseconds: .max, event: event), logger: logger)
            let took = seconds() - started
            guard answer.readableBytesView.starts(with: Array(#"{"isAuthorized":true"#.utf8)) else {
                fatalError("refused: \(String(buffer: answer))")
            }
            if index > 0 { times.append(took) }  // the first verifies; the rest hit the token cache
        }
        times.sort()
        let percentile = { (fraction: Double) in times[min(times.count - 1, Int((fraction * Double(times.count - 1)).rounded()))] * 1e6 }
        print("authorizer in process, warm bearer events (\(count)): p50 \(Int(percentile(0.5))) µs, p99 \(Int(percentile(0.99))) µs")
    }
}
