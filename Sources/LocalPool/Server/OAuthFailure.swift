import GatehouseCore
import HTTPTypes
import Hummingbird
import NIOCore

/// An OAuth error of the token and revocation endpoints that renders itself as RFC 6749 §5.2
/// says (`{"error", "error_description"}`, `no-store`), with the CORS headers a registered
/// browser origin is due and, for a failed Basic authentication, `WWW-Authenticate`.
struct OAuthFailure: HTTPResponseError, CustomStringConvertible {
    let error: OAuthError
    /// The CORS headers the request's origin is due (``OAuthRoutes/corsPolicy()``).
    let cors: [(String, String)]
    /// Whether the client tried Basic authentication.
    let basic: Bool

    var status: HTTPResponse.Status { HTTPResponse.Status(code: error.status) }
    var description: String { "\(error.error): \(error.description)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter()
        writer.add("error", error.error)
        writer.add("error_description", error.description)
        var headers: HTTPFields = [
            .contentType: "application/json;charset=UTF-8",
            .cacheControl: "no-store",
            HTTPField.Name("Pragma")!: "no-cache",
        ]
        for (name, value) in cors { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        if error.status == 401 && basic { headers[.wwwAuthenticate] = #"Basic realm="gatehouse-pool""# }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.finish())))
    }
}
