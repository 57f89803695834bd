import GatehouseCore
public import HTTPTypes
public import NIOCore

/// An API Gateway Lambda authorizer event: a REST API (v1) `REQUEST` or `TOKEN` authorizer, or
/// an HTTP API (v2) authorizer with payload format 2.0. Read into what the authenticator needs:
/// the original method and the request's headers (v2's `cookies` joined into `Cookie`).
public struct AuthorizerEvent: Sendable {
    /// Which kind of authorizer called, which decides the answer's shape.
    public enum Format: Sendable, Equatable {
        /// REST API: an IAM policy on `methodArn`, or the error `Unauthorized`.
        case restV1(methodARN: String)
        /// HTTP API, simple responses: `isAuthorized`.
        case httpV2
    }

    /// The answer's shape.
    public var format: Format
    /// The method of the request being authorized, upper-case (empty when the event has none:
    /// a TOKEN authorizer's).
    public var method: String
    /// The request's headers (names in any case; repeated ones kept).
    public var headers: HTTPFields
    /// API Gateway's request id, for the log.
    public var requestID: String?

    /// Reads an authorizer event; anything else is refused with a reason.
    public static func decode(_ event: ByteBuffer) throws(GatewayEventError) -> AuthorizerEvent {
        let root = try GatewayRequest.root(of: event)
        let context = root["requestContext"]?.objectValue ?? [:]
        if root["version"]?.stringValue == "2.0" {
            guard root["routeArn"]?.stringValue != nil else { throw GatewayEventError(problem: "routeArn is missing (not an authorizer event)") }
            var fields = HTTPFields()
            for (name, value) in root["headers"]?.objectValue ?? [:] { GatewayRequest.append(name, value.stringValue, to: &fields) }
            let cookies = (root["cookies"]?.arrayValue ?? []).compactMap(\.stringValue)
            if !cookies.isEmpty {
                fields[.cookie] = nil
                GatewayRequest.append("cookie", cookies.joined(separator: "; "), to: &fields)
            }
            let method = context["http"]?.objectValue?["method"]?.stringValue ?? ""
            return AuthorizerEvent(format: .httpV2, method: method.uppercased(), headers: fields, requestID: context["requestId"]?.stringValue)
        }
        guard let methodARN = root["methodArn"]?.stringValue else {
            throw GatewayEventError(problem: "neither methodArn (REST API) nor version 2.0 (HTTP API) is present")
        }
        var fields = HTTPFields()
        switch root["type"]?.stringValue {
        case "REQUEST":
            if let multi = root["multiValueHeaders"]?.objectValue {
                for (name, values) in multi {
                    for value in values.arrayValue ?? [] { GatewayRequest.append(name, value.stringValue, to: &fields) }
                }
            } else {
                for (name, value) in root["headers"]?.objectValue ?? [:] { GatewayRequest.append(name, value.stringValue, to: &fields) }
            }
        case "TOKEN":
            GatewayRequest.append("authorization", root["authorizationToken"]?.stringValue, to: &fields)
        default:
            throw GatewayEventError(problem: "type must be REQUEST or TOKEN")
        }
        let method = root["httpMethod"]?.stringValue ?? context["httpMethod"]?.stringValue ?? ""
        return AuthorizerEvent(
            format: .restV1(methodARN: methodARN),
            method: method.uppercased(),
            headers: fields,
            requestID: context["requestId"]?.stringValue
        )
    }

    /// The policy resource for `methodARN`
    /// (`arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH…`): every method and path of
    /// the same API and stage (`…:API/STAGE/*/*`), so API Gateway's cache of this answer serves
    /// the API's other routes too, and nothing wider. Nil when the ARN is not of that form.
    public static func apiResource(of methodARN: String) -> String? {
        let parts = methodARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "execute-api", !parts[3].isEmpty, !parts[4].isEmpty else { return nil }
        let path = parts[5].split(separator: "/", omittingEmptySubsequences: false)
        guard path.count >= 3, let api = path.first, let stage = path.dropFirst().first else { return nil }
        let safe = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } }
        guard safe(api), safe(stage), safe(parts[3]), parts[4].allSatisfy(\.isNumber) else { return nil }
        return "arn:\(parts[1]):execute-api:\(parts[3]):\(parts[4]):\(api)/\(stage)/*/*"
    }
}
