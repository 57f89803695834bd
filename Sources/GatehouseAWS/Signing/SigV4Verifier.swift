import Crypto
import GatehouseCore

/// Checks a request's SigV4 `Authorization` header as AWS does: the credential scope's service
/// and region, the headers that must be signed among those signed, the canonical request rebuilt
/// from what arrived (the headers the signature names, the body's SHA-256), the key derived from
/// the secret of the access key it names, the signature compared in constant time, and the
/// timestamp within 15 minutes of now.
public struct SigV4Verifier: Sendable {
    /// The service name signatures must be scoped to (`cognito-idp`).
    public let service: String
    /// The region signatures must be scoped to, or nil for any.
    public let region: String?
    /// Headers every signature must cover besides `host` (lowercase). For AWS's JSON protocols
    /// these are `x-amz-target` and `content-type`, which select the operation and how the body
    /// is read: unsigned, a captured request could be replayed as another operation.
    public let requiredSignedHeaders: Set<String>
    /// How far `X-Amz-Date` may be from now, in seconds.
    public let maximumSkew: Double
    private let secrets: [String: String]

    /// The headers that select an operation of an AWS JSON protocol.
    public static let jsonProtocolHeaders: Set<String> = ["content-type", "x-amz-target"]

    /// A verifier accepting the access keys in `secrets` (access key id → secret), for
    /// signatures scoped to `service` and `region`.
    public init(
        service: String,
        region: String?,
        secrets: [String: String],
        requiredSignedHeaders: Set<String> = [],
        maximumSkew: Double = 900
    ) {
        self.service = service
        self.region = region
        self.secrets = secrets
        self.requiredSignedHeaders = requiredSignedHeaders
        self.maximumSkew = maximumSkew
    }

    /// Why a request was refused, in the words AWS uses.
    public enum Failure: Error, Equatable, Sendable {
        /// No `Authorization` header, one that does not parse, or an access key not known:
        /// `UnrecognizedClientException`.
        case unrecognizedClient
        /// A signature that does not match: `InvalidSignatureException`.
        case badSignature
        /// A timestamp too far from now: `InvalidSignatureException` ("Signature expired").
        case expired(signedAt: String)

        /// The exception name and message AWS answers with.
        public var awsError: (type: String, message: String) {
            switch self {
            case .unrecognizedClient:
                return ("UnrecognizedClientException", "The security token included in the request is invalid.")
            case .badSignature:
                return (
                    "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
                )
            case .expired(let signedAt):
                return ("InvalidSignatureException", "Signature expired: \(signedAt) is not within 15 minutes of the server's time.")
            }
        }
    }

    /// Verifies a request as it arrived: `path` as sent (percent-encoded), `query` decoded,
    /// `headers` in any case, `now` in seconds since 1970.
    public func verify(
        method: String,
        path: String,
        query: [(name: String, value: String)],
        headers: [(name: String, value: String)],
        body: [UInt8],
        now: Double
    ) throws(Failure) {
        func values(_ name: String) -> [String] { headers.filter { $0.name.lowercased() == name }.map(\.value) }
        guard let authorization = values("authorization").first, let parsed = Self.parse(authorization) else {
            throw .unrecognizedClient
        }
        guard let secret = secrets[parsed.accessKey] else { throw .unrecognizedClient }
        let scopeParts = parsed.scope.split(separator: "/", omittingEmptySubsequences: false)
        guard scopeParts.count == 4, scopeParts[2] == service, scopeParts[3] == "aws4_request" else { throw .badSignature }
        if let region, scopeParts[1] != region { throw .badSignature }
        guard requiredSignedHeaders.isSubset(of: parsed.signedHeaders) else { throw .badSignature }
        guard let amzDate = values("x-amz-date").first, let signedAt = UTCDate.secondsSince1970(basicDateTime: amzDate) else {
            throw .badSignature
        }
        guard abs(now - signedAt) <= maximumSkew else { throw .expired(signedAt: amzDate) }
        guard amzDate.hasPrefix(scopeParts[0]) else { throw .badSignature }
        // The signed headers, each with all its values, as the signer saw them.
        var canonicalHeaders = ""
        for name in parsed.signedHeaders {
            let found = values(name)
            guard !found.isEmpty else { throw .badSignature }
            canonicalHeaders += "\(name):\(found.map(SigV4Signer.trimmedHeaderValue).joined(separator: ","))\n"
        }
        let canonicalRequest = [
            method.uppercased(),
            SigV4Signer.canonicalURI(path),
            SigV4Signer.canonicalQuery(query),
            canonicalHeaders,
            parsed.signedHeaders.joined(separator: ";"),
            SigV4Signer.hex(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            amzDate,
            parsed.scope,
            SigV4Signer.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let expected = SigV4Signer.signature(
            of: stringToSign,
            secret: secret,
            day: String(scopeParts[0]),
            region: String(scopeParts[1]),
            service: service
        )
        guard ConstantTime.equals(expected, parsed.signature) else { throw .badSignature }
    }

    /// The parts of `AWS4-HMAC-SHA256 Credential=KEY/SCOPE, SignedHeaders=a;b, Signature=HEX`.
    static func parse(_ header: String) -> (accessKey: String, scope: String, signedHeaders: [String], signature: String)? {
        let prefix = "AWS4-HMAC-SHA256 "
        guard header.hasPrefix(prefix), header.utf8.count <= 4096 else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst(prefix.count).split(separator: ",") {
            let trimmed = part.drop { $0 == " " }
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            fields[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"], let signature = fields["Signature"],
            let slash = credential.firstIndex(of: "/")
        else { return nil }
        let names = signedHeaders.split(separator: ";").map(String.init)
        // Signed header names come lowercase and sorted, and `host` is always among them.
        guard !names.isEmpty, names == names.map({ $0.lowercased() }).sorted(), names.contains("host") else { return nil }
        return (String(credential[..<slash]), String(credential[credential.index(after: slash)...]), names, signature)
    }
}
