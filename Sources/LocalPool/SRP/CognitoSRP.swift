import Crypto
import Foundation
import GatehouseCore

/// Cognito's SRP-6a, the server's half: the 3072-bit group of RFC 5054 (RFC 3526's prime) with
/// g = 2, SHA-256, and Cognito's own choices: numbers hashed in their shortest big-endian form with a
/// zero byte in front when the top bit is set, x = H(salt ‖ H(poolName ‖ userID ‖ ":" ‖ password)),
/// and a 16-byte key from HKDF(salt: u, key: S, info: "Caldera Derived Key"), with which the
/// client signs poolName ‖ userID ‖ secret block ‖ timestamp.
public enum CognitoSRP {
    /// The group's prime N, big-endian.
    public static let primeBytes: [UInt8] = hexBytes(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
            + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
            + "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
            + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
            + "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
            + "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
            + "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
    )
    /// Arithmetic modulo N.
    static let field = MontgomeryModulus(bigEndian: primeBytes)
    /// The generator, 2.
    static let generator: [UInt64] = {
        var limbs = [UInt64](repeating: 0, count: field.count)
        limbs[0] = 2
        return limbs
    }()
    /// k = H(N ‖ g), both padded as Cognito pads them.
    static let multiplier: [UInt64] = number(SHA256.hash(data: padded(primeBytes) + padded([2])))
    /// HKDF's info: the label and the counter byte of the first (only) block.
    static let keyInfo = Array("Caldera Derived Key".utf8) + [1]

    /// The part of a pool id after its region, which Cognito hashes: `us-east-1_AbC` → `AbC`.
    static func poolName(_ poolID: String) -> String {
        let parts = poolID.split(separator: "_", omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : poolID
    }

    /// The password verifier v = g^x for `password`, stored instead of anything the client could
    /// replay. `salt` must not start with a zero byte (clients differ on whether they keep it).
    public static func verifier(salt: [UInt8], poolName: String, userID: String, password: String) -> [UInt8] {
        let inner = SHA256.hash(data: Array((poolName + userID + ":" + password).utf8))
        let x = Array(SHA256.hash(data: padded(salt) + Array(inner)))
        return field.bytes(field.power(generator, exponent: x))
    }

    /// A fresh salt: 16 random bytes, the first not zero.
    static func newSalt() -> [UInt8] {
        var salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        if salt[0] == 0 { salt[0] = 1 }
        return salt
    }

    /// The server's answer to a client's A: B to send, and the key the client must prove it
    /// holds. Nil when A is not a valid public value (zero modulo N, or not below N).
    public struct Exchange: Sendable {
        /// B = k·v + g^b mod N, big-endian.
        public let serverPublic: [UInt8]
        /// The 16-byte key both sides derive.
        public let key: [UInt8]
    }

    /// Runs the server's side for client value `clientPublic` (A) against `verifier` (v), with
    /// the secret exponent `secret` (b; random in use, fixed in tests).
    public static func exchange(clientPublic: [UInt8], verifier: [UInt8], secret: [UInt8]) -> Exchange? {
        guard let a = field.number(bigEndian: clientPublic), !field.isZero(a),
            let v = field.number(bigEndian: verifier)
        else { return nil }
        let b = field.add(field.multiply(multiplier, v), field.power(generator, exponent: secret))
        let serverPublic = field.bytes(b)
        let u = Array(SHA256.hash(data: padded(field.bytes(a)) + padded(serverPublic)))
        guard u.contains(where: { $0 != 0 }) else { return nil }
        // S = (A · v^u)^b mod N
        let shared = field.power(field.multiply(a, field.power(v, exponent: u)), exponent: secret)
        let uBytes = Array(u.drop { $0 == 0 })
        let pseudoRandomKey = HMAC<SHA256>.authenticationCode(for: padded(field.bytes(shared)), using: SymmetricKey(data: padded(uBytes)))
        let block = HMAC<SHA256>.authenticationCode(for: keyInfo, using: SymmetricKey(data: Data(pseudoRandomKey)))
        return Exchange(serverPublic: serverPublic, key: Array(Data(block).prefix(16)))
    }

    /// base^exponent mod N (both big-endian), or nil when `base` is not below N: the modular
    /// power on its own, for measuring what one costs next to a whole exchange.
    public static func power(base: [UInt8], exponent: [UInt8]) -> [UInt8]? {
        field.number(bigEndian: base).map { field.bytes(field.power($0, exponent: exponent)) }
    }

    /// The signature the client must send: Base64(HMAC-SHA256(key, poolName ‖ userID ‖ secretBlock ‖ timestamp)).
    static func signature(key: [UInt8], poolName: String, userID: String, secretBlock: [UInt8], timestamp: String) -> [UInt8] {
        let message = Array(poolName.utf8) + Array(userID.utf8) + secretBlock + Array(timestamp.utf8)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Whether `timestamp` has Cognito's form, `Tue Nov 3 09:05:01 UTC 2026` (day not padded).
    static func isTimestamp(_ timestamp: String) -> Bool {
        let parts = timestamp.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[4] == "UTC" else { return false }
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let time = parts[3].split(separator: ":", omittingEmptySubsequences: false)
        func whole(_ text: Substring, digits: ClosedRange<Int>, in range: ClosedRange<Int>) -> Bool {
            guard digits.contains(text.count), text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text) else { return false }
            return range.contains(value) && !(text.count > 1 && text.first == "0" && digits.lowerBound == 1)
        }
        return days.contains(String(parts[0])) && months.contains(String(parts[1]))
            && whole(parts[2], digits: 1...2, in: 1...31)
            && time.count == 3 && whole(time[0], digits: 2...2, in: 0...23) && whole(time[1], digits: 2...2, in: 0...59)
            && whole(time[2], digits: 2...2, in: 0...60) && whole(parts[5], digits: 4...4, in: 1970...9999)
    }

    /// `bytes` without leading zeros, with one zero byte in front when the top bit is set: how
    /// Cognito's clients hash numbers (their `padHex`).
    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        let trimmed = Array(bytes.drop { $0 == 0 })
        guard let first = trimmed.first else { return [0] }
        return first & 0x80 != 0 ? [0] + trimmed : trimmed
    }

    /// A 32-byte digest as a number modulo N (it is far below N).
    private static func number(_ digest: SHA256.Digest) -> [UInt64] {
        field.number(bigEndian: Array(digest))!
    }

    /// Hex digits (even count, no prefix) as bytes; nil for anything else.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard !digits.isEmpty, digits.count <= 2048 else { return nil }
        // An odd count is a leading zero nibble, as clients print numbers.
        let even = digits.count % 2 == 1 ? [UInt8(ascii: "0")] + digits : digits
        var result: [UInt8] = []
        result.reserveCapacity(even.count / 2)
        for index in stride(from: 0, to: even.count, by: 2) {
            guard let high = nibble(even[index]), let low = nibble(even[index + 1]) else { return nil }
            result.append(high << 4 | low)
        }
        return result
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hexBytes(_ hex: String) -> [UInt8] { bytes(hex: hex)! }
}
