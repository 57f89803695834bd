import Crypto
import Foundation
import GatehouseCore
import _CryptoExtras

/// The pool's SAML signing certificate (GetSigningCertificate): an X.509 v3 certificate,
/// self-signed with SHA-256 and RSA, for the pool's ID-token signing key, valid ten years from
/// the pool's creation. It is derived, not stored: the same key and pool give the same bytes
/// (PKCS #1 v1.5 signatures are deterministic), so it survives restarts and changes only when
/// the key rotates. The key is public already (the JWKS); the local pool signs no SAML.
enum SigningCertificate {
    /// The DER bytes of the certificate of `poolID`, created at `createdAt` (seconds since 1970).
    static func make(poolID: String, createdAt: Double, key: _RSA.Signing.PrivateKey) throws -> [UInt8] {
        let publicKey = Array(key.publicKey.derRepresentation)
        var serial = Array(SHA256.hash(data: publicKey + Array(poolID.utf8)).prefix(16))
        serial[0] &= 0x7F
        let algorithm = DER.sequence(DER.oid([1, 2, 840, 113_549, 1, 1, 11]), DER.null)
        let name = DER.sequence(
            DER.set(DER.sequence(DER.oid([2, 5, 4, 3]), DER.utf8(poolID))),
            DER.set(DER.sequence(DER.oid([2, 5, 4, 10]), DER.utf8("Gatehouse local pool")))
        )
        let start = Int64(createdAt.rounded(.down))
        let validity = DER.sequence(DER.time(start), DER.time(start + 3_653 * 86_400))
        let toBeSigned = DER.sequence(
            DER.explicit(0, DER.integer([2])),
            DER.integer(serial),
            algorithm,
            name,
            validity,
            name,
            publicKey
        )
        let signature = try key.signature(for: SHA256.hash(data: toBeSigned), padding: .insecurePKCS1v1_5)
        return DER.sequence(toBeSigned, algorithm, DER.bitString(Array(signature.rawRepresentation)))
    }
}

/// The few DER encodings a certificate needs (X.690).
enum DER {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        var count = content.count
        if count < 0x80 {
            length = [UInt8(count)]
        } else {
            while count > 0 {
                length.insert(UInt8(count & 0xFF), at: 0)
                count >>= 8
            }
            length.insert(0x80 | UInt8(length.count), at: 0)
        }
        return [tag] + length + content
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap(\.self)) }
    static func set(_ parts: [UInt8]...) -> [UInt8] { tlv(0x31, parts.flatMap(\.self)) }
    static func explicit(_ number: UInt8, _ content: [UInt8]) -> [UInt8] { tlv(0xA0 | number, content) }
    static let null: [UInt8] = [0x05, 0x00]
    static func utf8(_ text: String) -> [UInt8] { tlv(0x0C, Array(text.utf8)) }
    static func bitString(_ bytes: [UInt8]) -> [UInt8] { tlv(0x03, [0] + bytes) }

    /// A non-negative INTEGER from big-endian bytes.
    static func integer(_ bytes: [UInt8]) -> [UInt8] {
        var content = Array(bytes.drop { $0 == 0 })
        if content.isEmpty || content[0] & 0x80 != 0 { content.insert(0, at: 0) }
        return tlv(0x02, content)
    }

    static func oid(_ arcs: [UInt]) -> [UInt8] {
        var content = [UInt8(arcs[0] * 40 + arcs[1])]
        for arc in arcs.dropFirst(2) {
            var chunk = [UInt8(arc & 0x7F)]
            var rest = arc >> 7
            while rest > 0 {
                chunk.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
                rest >>= 7
            }
            content += chunk
        }
        return tlv(0x06, content)
    }

    /// UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5), of `seconds` since 1970.
    static func time(_ seconds: Int64) -> [UInt8] {
        let date = UTCDate(secondsSince1970: Double(seconds))
        // `YYYYMMDD'T'HHMMSS'Z'` without its `T` is GeneralizedTime; UTCTime drops the century too.
        let full = date.basicDateTime.replacingOccurrences(of: "T", with: "")
        return date.year < 2050 ? tlv(0x17, Array(full.dropFirst(2).utf8)) : tlv(0x18, Array(full.utf8))
    }
}
