import Crypto
import GatehouseCore
import Testing
import _CryptoExtras

@testable import LocalPool

/// An upstream provider's ID token is taken only when every rule holds: its signature by a key
/// of the provider's JWKS, its issuer, its audience, its expiry and the nonce of this sign-in.
struct UpstreamIDTokenTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let other = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let issuer = "https://idp.example.com"
    static let now = 1_800_000_000.0

    static var keys: JSONWebKeySet {
        let primitives = try! key.publicKey.getKeyPrimitives()
        let jwk =
            #"{"kid":"k1","alg":"RS256","kty":"RSA","e":"\#(Base64URL.encode(primitives.publicExponent))","n":"\#(Base64URL.encode(primitives.modulus))"}"#
        return try! JSONWebKeySet(json: Array(#"{"keys":[\#(jwk)]}"#.utf8))
    }

    static func token(_ claims: String, header: String = #"{"kid":"k1","alg":"RS256"}"#, signer: _RSA.Signing.PrivateKey = key) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature = try! signer.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    static func claims(iss: String = issuer, aud: String = #""app""#, exp: Int = 1_800_000_300, nonce: String = "n-1", sub: String = "u-1") -> String
    {
        #"{"iss":"\#(iss)","aud":\#(aud),"exp":\#(exp),"nonce":"\#(nonce)","sub":"\#(sub)","email":"a@example.com","email_verified":true,"age":42}"#
    }

    func verify(_ token: String) throws(LocalPoolError) -> UpstreamIDToken {
        try UpstreamIDToken.verify(token, keys: Self.keys, issuer: Self.issuer, clientID: "app", nonce: "n-1", now: Self.now)
    }

    @Test func aGoodTokenIsTakenAndItsClaimsMapped() throws {
        let verified = try verify(Self.token(Self.claims(aud: #"["other","app"]"#)))
        #expect(verified.subject == "u-1")
        let mapped = verified.attributes([
            "email": "email", "email_verified": "email_verified", "custom:age": "age", "nickname": "missing", "username": "sub",
        ])
        #expect(
            mapped == [
                .init(name: "custom:age", value: "42"), .init(name: "email", value: "a@example.com"), .init(name: "email_verified", value: "true"),
            ]
        )
    }

    @Test(arguments: [
        token(claims(iss: "https://idp.example.com/")), token(claims(aud: #""someone-else""#)), token(claims(aud: #"["x"]"#)),
        token(claims(exp: 1_800_000_000)), token(claims(nonce: "n-2")), token(claims(sub: "")), token(claims(sub: "a b")),
        token(claims(), signer: other), token(claims(), header: #"{"kid":"k2","alg":"RS256"}"#),
        token(claims(), header: #"{"kid":"k1","alg":"HS256"}"#), token(claims(), header: #"{"kid":"k1","alg":"RS256","crit":["b64"]}"#),
        #"{"alg":"none"}.e30."#, String(repeating: "a", count: 16 * 1024 + 1),
    ])
    func everyBrokenRuleRefusesTheToken(_ token: String) {
        #expect(throws: LocalPoolError.self) { try verify(token) }
    }
}
