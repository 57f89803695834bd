/// Why a token was rejected.
///
/// The code says what rule failed, for logs and tests; clients only ever see whether the
/// token was missing, expired or otherwise invalid (see ``GatehouseError``).
public struct TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rule a token failed.
    public enum Code: String, Sendable {
        /// Longer than the configured maximum: not parsed at all.
        case tooLarge = "too_large"
        /// Not a compact JWS of JSON parts, or a claim of the wrong type.
        case malformed
        /// An `alg` other than RS256.
        case unsupportedAlgorithm = "unsupported_algorithm"
        /// A `kid` not in the key set (after the refetch the penalty box allows).
        case unknownKey = "unknown_key"
        /// No keys at all: the key set could not be fetched.
        case keysUnavailable = "keys_unavailable"
        /// The signature does not verify.
        case badSignature = "bad_signature"
        /// `iss` is not the configured issuer.
        case wrongIssuer = "wrong_issuer"
        /// `token_use` is not one accepted.
        case wrongTokenUse = "wrong_token_use"
        /// The client (`aud` or `client_id`) is not one accepted.
        case wrongClient = "wrong_client"
        /// `exp` is past (beyond the leeway).
        case expired
        /// `nbf` (or `iat`) is ahead (beyond the leeway).
        case notYetValid = "not_yet_valid"
        /// A claim every token must carry is missing.
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
