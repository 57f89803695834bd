public import GatehouseCore
import HTTPTypes
public import Hummingbird
import NIOCore

extension GatehouseError {
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
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.finish()))
        )
    }
}
