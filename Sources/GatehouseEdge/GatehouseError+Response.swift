public import GatehouseCore
import HTTPTypes
public import Hummingbird
import NIOCore

extension GatehouseError: HTTPResponseError {
    /// The HTTP status.
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    /// The HTTP status code for the code.
    public var statusCode: Int {
        switch code {
        case .missingToken, .invalidToken, .expiredToken, .tokenRevoked, .userDisabled, .userNotFound, .noUser: 401
        case .originNotAllowed, .csrfCheckFailed, .forbidden: 403
        case .notLoggedIn, .sessionExpired, .invalidState: 401
        case .invalidRequest, .loginFailed: 400
        case .notFound, .sessionsDisabled: 404
        case .methodNotAllowed: 405
        case .serviceUnavailable: 503
        case .upstreamUnavailable: 502
        case .upstreamTimeout: 504
        case .internalError: 500
        }
    }

    /// Whether the response carries `WWW-Authenticate` (RFC 6750).
    public var wwwAuthenticate: String? {
        switch code {
        case .missingToken: #"Bearer realm="gatehouse""#
        case .invalidToken, .expiredToken, .tokenRevoked, .userDisabled, .userNotFound, .noUser:
            #"Bearer realm="gatehouse", error="invalid_token""#
        default: nil
        }
    }

    /// The JSON error response, with the request id the edge gave the request.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(requestID: (context as? any EdgeRequestContext)?.requestID ?? "")
    }

    /// The JSON error response: `{"error","message","requestId"}` plus the headers the code is due.
    public func response(requestID: String) -> Response {
        var writer = JSONWriter()
        writer.add("error", code.rawValue)
        writer.add("message", message)
        writer.add("requestId", requestID)
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8",
            .cacheControl: "no-store",
        ]
        if let challenge = wwwAuthenticate { headers[.wwwAuthenticate] = challenge }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if !allowedMethods.isEmpty { headers[.allow] = allowedMethods.joined(separator: ", ") }
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.finish()))
        )
    }
}
