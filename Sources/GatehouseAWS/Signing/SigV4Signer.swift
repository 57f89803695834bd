import Crypto
import GatehouseCore

/// AWS Signature Version 4 for header-signed requests: a pure function of request, credentials and time.
///
/// Canonicalisation follows botocore's `SigV4Auth` for non-S3 services: the path is
/// normalised and URI-encoded (so an already-encoded path is encoded again), query pairs
/// are encoded and sorted, and every header is signed except hop-by-hop ones, `user-agent`,
/// `expect` and `x-amzn-trace-id`.
public struct SigV4Signer: Sendable {
    /// The signing service name, e.g. `cognito-idp`.
    public let service: String
    /// The region, e.g. `us-east-1`.
    public let region: String

    /// A signer for `service` in `region`.
    public init(service: String, region: String) {
        self.service = service
        self.region = region
    }

    /// A request to sign.
    public struct Request: Sendable {
        /// The HTTP method.
        public var method: String
        /// The host header value (`host` or `host:port`, default ports omitted).
        public var host: String
        /// The path as sent on the wire (already percent-encoded).
        public var path: String
        /// Decoded query parameters, in any order.
        public var query: [(name: String, value: String)]
        /// Headers to send (any case); `host` is added from ``host``.
        public var headers: [(name: String, value: String)]
        /// The body.
        public var body: [UInt8]

        /// A request.
        public init(
            method: String,
            host: String,
            path: String,
            query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)] = [],
            body: [UInt8] = []
        ) {
            self.method = method
            self.host = host
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// The intermediate strings of a signature, for tests and debugging.
    public struct Signature: Sendable {
        /// The canonical request.
        public let canonicalRequest: String
        /// The string to sign.
        public let stringToSign: String
        /// The signed header names, `;`-joined.
        public let signedHeaders: String
        /// The hex signature.
        public let signature: String
        /// Headers to add to the request: `X-Amz-Date`, `X-Amz-Security-Token` when present, `Authorization`.
        public let headers: [(name: String, value: String)]
    }

    /// Headers botocore leaves unsigned: hop-by-hop headers, `user-agent`, `expect`, `x-amzn-trace-id`.
    static let unsignedHeaders: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Signs `request` with `credentials` at `date` (seconds since 1970).
    public func sign(_ request: Request, credentials: AWSCredentials, date: Double) -> Signature {
        let (amzDate, day) = Self.timestamps(date)
        var headers = request.headers.filter { $0.name.lowercased() != "authorization" }
        headers.append((name: "X-Amz-Date", value: amzDate))
        if let token = credentials.sessionToken {
            headers.append((name: "X-Amz-Security-Token", value: token))
        }
        var canonical: [String: [String]] = [:]
        canonical["host"] = [request.host]
        for (name, value) in headers {
            let lower = name.lowercased()
            guard !Self.unsignedHeaders.contains(lower), lower != "host" else { continue }
            canonical[lower, default: []].append(Self.trimmedHeaderValue(value))
        }
        let names = canonical.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(canonical[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let payloadHash = Self.hex(SHA256.hash(data: request.body))
        let canonicalRequest = [
            request.method.uppercased(),
            Self.canonicalURI(request.path),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            amzDate,
            scope,
            Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let signature = Self.signature(of: stringToSign, secret: credentials.secretAccessKey, day: day, region: region, service: service)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        var added: [(name: String, value: String)] = [(name: "X-Amz-Date", value: amzDate)]
        if let token = credentials.sessionToken { added.append((name: "X-Amz-Security-Token", value: token)) }
        added.append((name: "Authorization", value: authorization))
        return Signature(
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            signedHeaders: signedHeaders,
            signature: signature,
            headers: added
        )
    }

    /// The hex signature of `stringToSign` under the key derived from `secret` for the scope.
    static func signature(of stringToSign: String, secret: String, day: String, region: String, service: String) -> String {
        func hmac(_ key: SymmetricKey, _ message: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
        }
        let dateKey = hmac(SymmetricKey(data: Array("AWS4\(secret)".utf8)), day)
        let key = hmac(hmac(hmac(dateKey, region), service), "aws4_request")
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    static func timestamps(_ date: Double) -> (amzDate: String, day: String) {
        let utc = UTCDate(secondsSince1970: date)
        return (utc.basicDateTime, utc.basicDate)
    }

    static func trimmedHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    static func canonicalURI(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        var normalized = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && normalized != "/" { normalized += "/" }
        return uriEncode(normalized, keepSlash: true)
    }

    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (uriEncode($0.name, keepSlash: false), uriEncode($0.value, keepSlash: false)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// RFC 3986 encoding: unreserved characters kept, everything else `%XX` (uppercase), `/` optionally kept.
    static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { Hex.encode(bytes) }
}
