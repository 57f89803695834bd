import Crypto
import GatehouseCore
import GatehouseEdge
import GatehouseHTTP
import Hummingbird
import HummingbirdBcrypt
import HummingbirdCore
import LocalPool
import Logging
import NIOCore
import NIOPosix
import _CryptoExtras

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Bench {
    static func verify(count: Int) async throws {
        let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
        let clientID = "5abcdefghijklmnopqrstuvwxy"
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try key.publicKey.getKeyPrimitives()
        let jwks =
            #"{"keys":[{"kid":"k1","kty":"RSA","alg":"RS256","use":"sig","e":"\#(Base64URL.encode(primitives.publicExponent))","n":"\#(Base64URL.encode(primitives.modulus))"}]}"#
        let keySet = try JSONWebKeySet(json: Array(jwks.utf8))
        let now = 1_800_000_000
        // Cognito-shaped access tokens, each different (jti, sub, username).
        var tokens: [String] = []
        tokens.reserveCapacity(count)
        let header = Base64URL.encode(Array(#"{"kid":"k1","alg":"RS256"}"#.utf8))
        for index in 0..<count {
            let claims =
                #"{"sub":"aaaaaaaa-bbbb-cccc-dddd-\#(String(100_000_000_000 + index))","cognito:groups":["admin"],"iss":"\#(issuer)","version":2,"client_id":"\#(clientID)","origin_jti":"0d8f2a52-1111-4c3b-9e55-\#(String(200_000_000_000 + index))","event_id":"7c2e9d52-2222-4b1a-8f77-bbbbbbbbbbbb","token_use":"access","scope":"aws.cognito.signin.user.admin","auth_time":\#(now - 60),"exp":\#(now + 3600),"iat":\#(now - 60),"jti":"9a1b7c2e-3333-4d5e-8f90-\#(String(300_000_000_000 + index))","username":"user\#(index % 100)"}"#
            let input = header + "." + Base64URL.encode(Array(claims.utf8))
            let signature = try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
            tokens.append(input + "." + Base64URL.encode(signature.rawRepresentation))
        }
        let keys = JWKSCache(fetcher: ClosureJWKSFetcher { _ in keySet }, clock: .fixed(Double(now)))
        let verifier = TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: issuer, clientIDs: [clientID], tokenUse: .access),
            keys: keys,
            clock: .fixed(Double(now))
        )
        let logger = Logger(label: "bench")
        await keys.prefetch(logger: logger)

        // Baseline: swift-crypto's RSA-2048 PKCS#1 v1.5 verify alone, on a precomputed digest.
        let digest = SHA256.hash(data: Array("payload".utf8))
        let signature = try key.signature(for: digest, padding: .insecurePKCS1v1_5)
        let publicKey = key.publicKey
        var start = seconds()
        var valid = 0
        for _ in 0..<count where publicKey.isValidSignature(signature, for: digest, padding: .insecurePKCS1v1_5) {
            valid += 1
        }
        let rawRate = Double(count) / (seconds() - start)
        precondition(valid == count)

        for round in 1...3 {
            start = seconds()
            var verified = 0
            for token in tokens {
                _ = try await verifier.verify(token, logger: logger)
                verified += 1
            }
            let rate = Double(verified) / (seconds() - start)
            print("round \(round): \(Int(rate)) verifications/s over \(verified) fresh tokens (TokenVerifier, one core)")
        }
        print("baseline: \(Int(rawRate)) raw RSA-2048 verifies/s (swift-crypto, one core)")

        // The whole service path: verify, cached directory lookup, profile JSON.
        let directory = CachedUserDirectory(
            upstream: ClosureUserDirectory { name in
                DirectoryUser(
                    username: name,
                    attributes: [(name: "email", value: "\(name)@example.com"), (name: "nickname", value: "N")],
                    enabled: true,
                    status: "CONFIRMED"
                )
            },
            clock: .fixed(Double(now))
        )
        let service = UserInfoService(verifier: verifier, directory: directory)
        for token in tokens { _ = try await service.userInfo(token: token, logger: logger) }
        start = seconds()
        for token in tokens {
            let profile = try await service.userInfo(token: BearerToken.parse("Bearer " + token), logger: logger)
            precondition(!profile.jsonBytes().isEmpty)
        }
        print("service path: \(Int(Double(count) / (seconds() - start))) profiles/s (verify + cached user + JSON, one core)")

        // The work around the RSA check, step by step, in microseconds per token.
        func perToken(_ body: (String) throws -> Void) rethrows -> Double {
            let start = seconds()
            for token in tokens { try body(token) }
            return (seconds() - start) / Double(tokens.count) * 1e6
        }
        let parts: [[[UInt8]]] = tokens.map { token in token.utf8.split(separator: UInt8(ascii: ".")).map { Array($0) } }
        func perPart(_ body: ([[UInt8]]) throws -> Void) rethrows -> Double {
            let start = seconds()
            for token in parts { try body(token) }
            return (seconds() - start) / Double(parts.count) * 1e6
        }
        let base64 = perPart { token in
            for part in token { precondition(part.withUnsafeBytes { Base64URL.decode(bytes: $0) } != nil) }
        }
        let json = try perPart { token in
            _ = try JSONParser.parse(token[0].withUnsafeBytes { Base64URL.decode(bytes: $0)! })
            _ = try JSONParser.parse(token[1].withUnsafeBytes { Base64URL.decode(bytes: $0)! })
        }
        let hash = perPart { token in
            _ = SHA256.hash(data: token[0] + [UInt8(ascii: ".")] + token[1])
        }
        print("breakdown (µs/token): base64 of 3 parts \(base64), base64+JSON of header and payload \(json), SHA-256 of signing input \(hash)")
    }
}
