#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An error from an AWS service or from reaching it.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service's error code with any namespace removed (`UserNotFoundException`),
    /// or `NetworkError` / `Timeout` when no answer came.
    public let code: String
    /// The service's message.
    public let message: String?
    /// The HTTP status, or 0 when no answer came.
    public let status: Int
    /// `x-amzn-RequestId`, when sent.
    public let requestID: String?
    /// The error response's body (DynamoDB puts the item a failed condition saw there).
    public let body: [UInt8]

    /// An error.
    public init(code: String, message: String?, status: Int, requestID: String? = nil, body: [UInt8] = []) {
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
        self.body = body
    }

    public var description: String {
        var text = "\(code) (HTTP \(status))"
        if let message { text += ": \(message)" }
        if let requestID { text += " [request \(requestID)]" }
        return text
    }

    /// Error codes the AWS SDKs treat as throttling (standard retry mode).
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// Error codes the AWS SDKs treat as transient.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalErrorException",
        "ServiceUnavailable", "NetworkError", "Timeout",
    ]

    /// Whether the error is throttling.
    public var isThrottling: Bool { Self.throttlingCodes.contains(code) }

    /// Whether a retry may succeed (throttling, 5xx, transient codes, no answer).
    public var isRetryable: Bool {
        isThrottling || Self.transientCodes.contains(code) || [500, 502, 503, 504].contains(status)
    }

    /// Parses an error response of the JSON protocols.
    ///
    /// The code comes from `x-amzn-ErrorType`, else the body's `code`, else its `__type`; it is
    /// cut at the first `:` and everything up to a `#` is dropped, as the AWS SDKs do.
    public static func parse(_ response: AWSHTTPResponse) -> AWSError {
        struct Body: Decodable {
            var code: String?
            var type: String?
            var message: String?
            var capitalMessage: String?

            enum CodingKeys: String, CodingKey {
                case code
                case type = "__type"
                case message
                case capitalMessage = "Message"
            }
        }
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        let raw = response.header("x-amzn-ErrorType") ?? body?.code ?? body?.type
        let code = raw.map(sanitize) ?? (response.status >= 500 ? "InternalFailure" : "UnknownError")
        let message = body?.message ?? body?.capitalMessage ?? response.header("x-amzn-ErrorMessage")
        return AWSError(
            code: code.isEmpty ? "UnknownError" : code,
            message: message,
            status: response.status,
            requestID: response.header("x-amzn-RequestId"),
            body: response.body
        )
    }

    static func sanitize(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return String(code.filter { $0 != " " })
    }
}
