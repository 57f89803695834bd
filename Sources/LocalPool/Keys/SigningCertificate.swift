import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// The pool's SAML signing certificate (GetSigningCertificate): self-signed, RSA-2048 with
/// SHA-256, valid ten years, made once per pool and kept. Its key is not kept: the local pool
/// signs no SAML requests (SAML providers are not served).
enum SigningCertificate {
    /// A new certificate for `poolID`, DER-encoded.
    static func make(poolID: String, now: Double) throws -> [UInt8] {
        let key = Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        let name = try DistinguishedName {
            CommonName(poolID)
            OrganizationName("Gatehouse local pool")
        }
        let start = Date(timeIntervalSince1970: now.rounded(.down))
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: start,
            notValidAfter: start.addingTimeInterval(10 * 365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: Certificate.Extensions {},
            issuerPrivateKey: key
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
