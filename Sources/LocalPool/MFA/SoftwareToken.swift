import Foundation
import GatehouseCore
import HummingbirdOTP

/// TOTP (RFC 6238: HMAC-SHA1, 30-second steps, six digits) as Cognito's software-token MFA uses
/// it, computed by hummingbird-auth's `TOTP`. Codes of the step before and after the current one
/// are accepted too (clocks drift), and each step's code works once.
enum SoftwareToken {
    static let stepSeconds = 30

    /// A new secret: 20 random letters and digits (HummingbirdOTP keys with a string's bytes),
    /// and the base32 of those bytes, which authenticator apps and pyotp take.
    static func newSecret() -> (key: String, base32: String) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let key = String((0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
        return (key, base32(Array(key.utf8)))
    }

    /// The six-digit code of `key` at `step`.
    static func code(key: String, step: Int) -> String {
        let value = TOTP(secret: key).compute(date: Date(timeIntervalSince1970: Double(step * stepSeconds)))
        return String(format: "%06d", value)
    }

    /// The step whose code `code` is, among the current one and its neighbours, if it is later
    /// than `after` (codes already used are refused).
    static func acceptedStep(_ code: String, key: String, now: Double, after: Int) -> Int? {
        let current = Int(now) / stepSeconds
        var accepted: Int?
        for step in (current - 1)...(current + 1) where ConstantTime.equals(Self.code(key: key, step: step), code) {
            accepted = step
        }
        guard let accepted, accepted > after else { return nil }
        return accepted
    }

    /// RFC 4648 base32, without padding.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: output, as: UTF8.self)
    }
}
