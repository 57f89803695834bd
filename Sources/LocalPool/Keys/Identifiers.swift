import Foundation
import GatehouseCore

/// Random identifiers shaped like Cognito's, so format checks in verifiers and SDKs pass.
enum Identifiers {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    private static let lowercaseAlphanumerics = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    private static func random(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// `{region}_` + 9 alphanumerics, like `us-east-1_AbCdEf123`.
    static func poolID(region: String) -> String { "\(region)_\(random(9, from: alphanumerics))" }

    /// 26 lowercase alphanumerics, like a real app client id.
    static func clientID() -> String { random(26, from: lowercaseAlphanumerics) }

    /// 51 lowercase alphanumerics, like a real client secret.
    static func clientSecret() -> String { random(51, from: lowercaseAlphanumerics) }

    /// A lowercase UUID (subs, jti, event ids).
    static func uuid() -> String { UUID().uuidString.lowercased() }

    /// An opaque random token of `bytes` random bytes, base64url.
    static func opaque(bytes: Int = 48) -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
