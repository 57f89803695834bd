import Crypto
import Foundation
import GatehouseCore
import Synchronization
import _CryptoExtras

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let seconds: Mutex<Double>

    init(_ start: Double) {
        seconds = Mutex(start)
    }

    func advance(_ delta: Double) {
        seconds.withLock { $0 += delta }
    }

    var wallClock: WallClock {
        WallClock { self.seconds.withLock { $0 } }
    }
}

/// Signs tokens the way a Cognito pool does, with keys made for the test run.
struct TestIssuer: Sendable {
    static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
    static let clientID = "5abcdefghijklmnopqrstuvwxy"
    static let now: Double = 1_800_000_000

    /// Two keys, as a pool has (generated once: RSA key generation is slow).
    static let keyA = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let keyB = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func jwk(_ key: _RSA.Signing.PrivateKey, kid: String) -> String {
        let primitives = try! key.publicKey.getKeyPrimitives()
        return
            #"{"kid":"\#(kid)","alg":"RS256","kty":"RSA","e":"\#(Base64URL.encode(primitives.publicExponent))","n":"\#(Base64URL.encode(primitives.modulus))","use":"sig"}"#
    }

    static func jwks(_ entries: [(key: _RSA.Signing.PrivateKey, kid: String)]) -> JSONWebKeySet {
        let document = #"{"keys":[\#(entries.map { jwk($0.key, kid: $0.kid) }.joined(separator: ","))]}"#
        return try! JSONWebKeySet(json: Array(document.utf8))
    }

    static func idClaims(username: String = "alice", sub: String = "0d8f2a52-1111-4c3b-9e55-aaaaaaaaaaaa") -> String {
        #"{"sub":"\#(sub)","aud":"\#(clientID)","email_verified":true,"token_use":"id","auth_time":\#(Int(now) - 60),"iss":"\#(issuer)","cognito:username":"\#(username)","exp":\#(Int(now) + 3600),"iat":\#(Int(now) - 60),"email":"alice@example.com","jti":"7c2e9d52-2222-4b1a-8f77-bbbbbbbbbbbb"}"#
    }

    static func accessClaims(username: String = "alice", sub: String = "0d8f2a52-1111-4c3b-9e55-aaaaaaaaaaaa") -> String {
        #"{"sub":"\#(sub)","iss":"\#(issuer)","version":2,"client_id":"\#(clientID)","token_use":"access","scope":"openid email","auth_time":\#(Int(now) - 60),"exp":\#(Int(now) + 3600),"iat":\#(Int(now) - 60),"jti":"9a1b","username":"\#(username)"}"#
    }

    /// A compact JWS of `header` and `claims` (raw JSON text) signed RS256 with `key`.
    static func sign(header: String = #"{"kid":"a","alg":"RS256"}"#, claims: String, key: _RSA.Signing.PrivateKey = keyA) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature = try! key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// Replaces `"key":value` (value as raw JSON) in a claims object.
    static func claims(_ json: String, setting key: String, to value: String) -> String {
        var object = json
        if let range = object.range(of: "\"\(key)\":") {
            var end = range.upperBound
            var depth = 0
            var inString = false
            while end < object.endIndex {
                let character = object[end]
                if character == "\"" { inString.toggle() }
                if !inString {
                    if character == "[" || character == "{" { depth += 1 }
                    if character == "]" || character == "}" {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    if character == "," && depth == 0 { break }
                }
                end = object.index(after: end)
            }
            object.replaceSubrange(range.upperBound..<end, with: value)
            return object
        }
        object.removeLast()
        return object + ",\"\(key)\":\(value)}"
    }

    /// Removes a claim.
    static func claims(_ json: String, removing key: String) -> String {
        let marker = "\u{1}"
        let replaced = claims(json, setting: key, to: marker)
        return replaced.replacingOccurrences(of: ",\"\(key)\":\(marker)", with: "")
            .replacingOccurrences(of: "\"\(key)\":\(marker),", with: "")
    }
}
