/// Why a token was rejected.
///
/// The code says what rule failed, for logs and tests; clients only ever see whether the
/// token was missing, expired or otherwise invalid (see ``GatehouseError``).
public struct TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rule a token failed.
    public enum Code: String, Sendable {
        case tooLarge = "too_large"
        case malformed
        case unsupportedAlgorithm = "unsupported_algorithm"
        case unknownKey = "unknown_key"
        case keysUnavailable = "keys_unavailable"
        case badSignature = "bad_signature"
        case wrongIssuer = "wrong_issuer"
        case wrongTokenUse = "wrong_token_use"
        case wrongClient = "wrong_client"
        case expired
        case notYetValid = "not_yet_valid"
        case missingClaim = "missing_claim"
    }

    /// The failed rule.
    public let code: Code
    /// Extra detail for logs (a claim name, an offset); never token contents.
    public let detail: String?

    /// Creates an error for a failed rule.
    public init(_ code: Code, detail: String? = nil) {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        detail.map { "\(code.rawValue) (\($0))" } ?? code.rawValue
    }
}
