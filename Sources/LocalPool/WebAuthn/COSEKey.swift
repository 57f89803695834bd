import Crypto
import GatehouseCore

/// A credential's public key as COSE encodes it (RFC 9053): ES256 (EC2, P-256) or RS256 (RSA,
/// 2048 bits or more), the two algorithms the pool offers.
enum COSEKey: Sendable {
    case es256(P256.Signing.PublicKey)
    case rs256(RSAVerificationKey)

    /// COSE's algorithm numbers.
    static let es256Algorithm = -7
    static let rs256Algorithm = -257

    /// The key in `cbor`, a COSE_Key map; nil for any other algorithm or a malformed key.
    init?(_ cbor: CBOR) {
        switch (cbor[1]?.integer, cbor[3]?.integer) {
        case (2, Self.es256Algorithm):
            guard cbor[-1]?.integer == 1, let x = cbor[-2]?.byteString, let y = cbor[-3]?.byteString, x.count == 32, y.count == 32,
                let key = try? P256.Signing.PublicKey(rawRepresentation: x + y)
            else { return nil }
            self = .es256(key)
        case (3, Self.rs256Algorithm):
            guard let modulus = cbor[-1]?.byteString, let exponent = cbor[-2]?.byteString, modulus.count <= 1024, exponent.count <= 8,
                let key = try? RSAVerificationKey(keyID: "", modulus: modulus, exponent: exponent)
            else { return nil }
            self = .rs256(key)
        default:
            return nil
        }
    }

    /// The COSE algorithm number.
    var algorithm: Int {
        switch self {
        case .es256: Self.es256Algorithm
        case .rs256: Self.rs256Algorithm
        }
    }

    /// Whether `signature` (DER ECDSA for ES256, PKCS #1 v1.5 for RS256) signs `message` with SHA-256.
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        let digest = SHA256.hash(data: message)
        switch self {
        case .es256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: digest)
        case .rs256(let key):
            return key.isValidSignature(signature, for: digest)
        }
    }
}

/// An authenticator's data (WebAuthn §6.1): the relying party's hash, the flags, the signature
/// counter, and at registration the credential (its id and COSE key).
struct AuthenticatorData: Sendable {
    let rpIDHash: [UInt8]
    let flags: UInt8
    let signCount: UInt32
    /// The attested credential: its id, and its key's CBOR bytes as the authenticator wrote them.
    let credentialID: [UInt8]?
    let publicKey: CBOR?
    let publicKeyBytes: [UInt8]?

    var userPresent: Bool { flags & 0x01 != 0 }
    var userVerified: Bool { flags & 0x04 != 0 }

    /// The data in `bytes`; nil when it is cut short or its parts disagree with the flags.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 37 else { return nil }
        rpIDHash = Array(bytes[0..<32])
        flags = bytes[32]
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        var offset = 37
        if flags & 0x40 != 0 {
            guard bytes.count >= offset + 18 else { return nil }
            let length = Int(bytes[offset + 16]) << 8 | Int(bytes[offset + 17])
            offset += 18
            guard length <= 1023, bytes.count >= offset + length else { return nil }
            credentialID = Array(bytes[offset..<(offset + length)])
            offset += length
            guard let (key, used) = try? CBOR.decodePrefix(bytes[offset...]) else { return nil }
            publicKey = key
            publicKeyBytes = Array(bytes[offset..<(offset + used)])
            offset += used
        } else {
            (credentialID, publicKey, publicKeyBytes) = (nil, nil, nil)
        }
        if flags & 0x80 != 0 {
            // Extensions: one CBOR map, and nothing after it.
            guard let (extensions, used) = try? CBOR.decodePrefix(bytes[offset...]), case .map = extensions else { return nil }
            offset += used
        }
        guard offset == bytes.count else { return nil }
    }
}
