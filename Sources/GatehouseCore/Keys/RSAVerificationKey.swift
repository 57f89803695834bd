package import Crypto
import _CryptoExtras

/// One RS256 public key from a JWKS, ready to check signatures.
public struct RSAVerificationKey: Sendable {
    /// The key id (`kid`).
    public let keyID: String
    private let key: _RSA.Signing.PublicKey

    /// Builds a key from its modulus and exponent, big-endian bytes (the JWKS's `n` and `e` once
    /// base64url-decoded); swift-crypto refuses keys under 2048 bits.
    public init(keyID: String, modulus: [UInt8], exponent: [UInt8]) throws {
        self.keyID = keyID
        self.key = try _RSA.Signing.PublicKey(n: modulus, e: exponent)
    }

    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature over `digest`.
    package func isValidSignature(_ signature: [UInt8], for digest: SHA256.Digest) -> Bool {
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        return key.isValidSignature(signature, for: digest, padding: .insecurePKCS1v1_5)
    }
}
