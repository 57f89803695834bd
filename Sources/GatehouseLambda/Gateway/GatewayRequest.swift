import GatehouseCore
import GatehouseHTTP
public import HTTPTypes
public import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An API Gateway proxy event, read into the parts of an HTTP request.
public struct GatewayRequest: Sendable {
    /// Which payload format the event used; the response is written in the same one.
    public enum Format: Sendable, Equatable {
        /// REST API proxy integration (payload format 1.0).
        case restV1
        /// HTTP API (payload format 2.0).
        case httpV2
    }

    /// The payload format.
    public var format: Format
    /// The request line and headers.
    public var head: HTTPRequest
    /// The body, base64-decoded when the event said so.
    public var body: ByteBuffer
    /// What the gateway added (its request id, source address, authorizer claims).
    public var gateway: GatewayInfo
}

/// The event is not an API Gateway proxy event we can serve.
public struct GatewayEventError: Error, Equatable, Sendable, CustomStringConvertible, LambdaReportableError {
    /// What is wrong with it.
    public let problem: String

    public var description: String { "not a usable API Gateway event: \(problem)" }
    public var report: LambdaErrorReport { .invalidEvent(description) }
}

extension GatewayRequest {
    /// Reads a REST (v1) or HTTP API (v2) event. `null` maps, any header case and repeated
    /// headers are accepted; anything that cannot be a request is refused with a reason.
    public static func decode(_ event: ByteBuffer) throws(GatewayEventError) -> GatewayRequest {
        let root = try root(of: event)
        if root["version"]?.stringValue == "2.0" { return try decodeV2(root) }
        if root["httpMethod"] != nil { return try decodeV1(root) }
        throw GatewayEventError(problem: "neither httpMethod (REST API) nor version 2.0 (HTTP API) is present")
    }

    /// The event's top-level JSON object.
    static func root(of event: ByteBuffer) throws(GatewayEventError) -> [String: JSONValue] {
        do {
            let parsed = try event.withUnsafeReadableBytes { bytes in try JSONParser.parse(buffer: bytes) }
            guard let object = parsed.objectValue else { throw GatewayEventError(problem: "the event is not a JSON object") }
            return object
        } catch let error as GatewayEventError {
            throw error
        } catch {
            throw GatewayEventError(problem: "the event is not valid JSON")
        }
    }

    private static func decodeV1(_ root: [String: JSONValue]) throws(GatewayEventError) -> GatewayRequest {
        let context = root["requestContext"]?.objectValue ?? [:]
        let method = try method(root["httpMethod"])
        guard let path = root["path"]?.stringValue, path.hasPrefix("/") else {
            throw GatewayEventError(problem: "path is missing or does not start with /")
        }
        var fields = HTTPFields()
        if let multi = root["multiValueHeaders"]?.objectValue {
            for (name, values) in multi {
                for value in values.arrayValue ?? [] { append(name, value.stringValue, to: &fields) }
            }
        } else if let single = root["headers"]?.objectValue {
            for (name, value) in single { append(name, value.stringValue, to: &fields) }
        }
        var query: [(String, String)] = []
        if let multi = root["multiValueQueryStringParameters"]?.objectValue {
            for (name, values) in multi.sorted(by: { $0.key < $1.key }) {
                for value in values.arrayValue ?? [] { query.append((name, value.stringValue ?? "")) }
            }
        } else if let single = root["queryStringParameters"]?.objectValue {
            for (name, value) in single.sorted(by: { $0.key < $1.key }) { query.append((name, value.stringValue ?? "")) }
        }
        let target = query.isEmpty ? path : path + "?" + query.map { percentEncode($0) + "=" + percentEncode($1) }.joined(separator: "&")
        let authorizer = context["authorizer"]?.objectValue
        let gateway = GatewayInfo(
            requestID: context["requestId"]?.stringValue,
            sourceIP: context["identity"]?.objectValue?["sourceIp"]?.stringValue,
            claims: stringified(authorizer?["claims"]?.objectValue),
            scopes: []
        )
        return GatewayRequest(
            format: .restV1,
            head: head(method: method, target: target, fields: fields),
            body: try body(root),
            gateway: gateway
        )
    }

    private static func decodeV2(_ root: [String: JSONValue]) throws(GatewayEventError) -> GatewayRequest {
        let context = root["requestContext"]?.objectValue ?? [:]
        let http = context["http"]?.objectValue ?? [:]
        let method = try method(http["method"])
        guard var path = root["rawPath"]?.stringValue ?? http["path"]?.stringValue, path.hasPrefix("/") else {
            throw GatewayEventError(problem: "rawPath is missing or does not start with /")
        }
        // A named stage shows up as the first path segment; the routes do not include it.
        if let stage = context["stage"]?.stringValue, stage != "$default", !stage.isEmpty {
            let prefix = "/" + stage
            if path == prefix {
                path = "/"
            } else if path.hasPrefix(prefix + "/") {
                path.removeFirst(prefix.count)
            }
        }
        var fields = HTTPFields()
        for (name, value) in root["headers"]?.objectValue ?? [:] { append(name, value.stringValue, to: &fields) }
        let cookies = (root["cookies"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !cookies.isEmpty {
            fields[.cookie] = nil
            append("cookie", cookies.joined(separator: "; "), to: &fields)
        }
        let rawQuery = root["rawQueryString"]?.stringValue ?? ""
        let jwt = context["authorizer"]?.objectValue?["jwt"]?.objectValue
        let gateway = GatewayInfo(
            requestID: context["requestId"]?.stringValue,
            sourceIP: http["sourceIp"]?.stringValue,
            claims: stringified(jwt?["claims"]?.objectValue),
            scopes: (jwt?["scopes"]?.arrayValue ?? []).compactMap(\.stringValue)
        )
        return GatewayRequest(
            format: .httpV2,
            head: head(method: method, target: rawQuery.isEmpty ? path : path + "?" + rawQuery, fields: fields),
            body: try body(root),
            gateway: gateway
        )
    }

    private static func method(_ value: JSONValue?) throws(GatewayEventError) -> HTTPRequest.Method {
        guard let name = value?.stringValue, let method = HTTPRequest.Method(name.uppercased()) else {
            throw GatewayEventError(problem: "the HTTP method is missing or malformed")
        }
        return method
    }

    private static func head(method: HTTPRequest.Method, target: String, fields: HTTPFields) -> HTTPRequest {
        HTTPRequest(method: method, scheme: "https", authority: fields[HTTPField.Name("Host")!] ?? "", path: target, headerFields: fields)
    }

    /// Adds a header; names that are not valid HTTP tokens are dropped (HTTPTypes compares
    /// names case-insensitively, so any case the client used works).
    static func append(_ name: String, _ value: String?, to fields: inout HTTPFields) {
        guard let value, let name = HTTPField.Name(name) else { return }
        fields.append(HTTPField(name: name, value: value))
    }

    private static func body(_ root: [String: JSONValue]) throws(GatewayEventError) -> ByteBuffer {
        guard let text = root["body"]?.stringValue, !text.isEmpty else { return ByteBuffer() }
        guard root["isBase64Encoded"]?.boolValue == true else { return ByteBuffer(string: text) }
        guard let bytes = Data(base64Encoded: text) else { throw GatewayEventError(problem: "the body is not valid base64") }
        return ByteBuffer(bytes: bytes)
    }

    /// Authorizer claims as strings, the way API Gateway passes them; a number, boolean or
    /// list (from a test event written by hand) is turned into its string form.
    private static func stringified(_ claims: [String: JSONValue]?) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in claims ?? [:] {
            switch value {
            case .string(let text): result[name] = text
            case .number(let number): result[name] = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            case .bool(let flag): result[name] = flag ? "true" : "false"
            case .array(let items): result[name] = "[" + items.compactMap(\.stringValue).joined(separator: " ") + "]"
            case .null, .object: continue
            }
        }
        return result
    }

    /// RFC 3986 percent-encoding (REST events carry decoded query values).
    static func percentEncode(_ text: String) -> String { URLEncoding.percentEncode(text) }
}

extension GatewayInfo {
    /// A list-valued claim as API Gateway stringifies it (`"[admin users]"`), split back into
    /// its items; a plain value is a list of one.
    public static func items(ofClaim value: String) -> [String] {
        guard value.hasPrefix("["), value.hasSuffix("]") else { return value.isEmpty ? [] : [value] }
        return value.dropFirst().dropLast().split(separator: " ").map(String.init)
    }
}
