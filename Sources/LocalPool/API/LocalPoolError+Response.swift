import GatehouseCore
import GatehouseEdge
import HTTPTypes
public import Hummingbird
import NIOCore

extension LocalPoolError: HTTPResponseError {
    /// The HTTP status.
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    /// Cognito's error answer: `{"__type","message"}` with `x-amzn-ErrorType` and
    /// `x-amzn-ErrorMessage`. A 5xx message is replaced (its detail is only logged), others are
    /// capped at 512 characters: messages may quote the request.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let message = statusCode >= 500 ? "Internal server error" : CognitoAPI.capped(self.message)
        var writer = JSONWriter()
        writer.add("__type", type)
        writer.add("message", message)
        var headers: HTTPFields = [.contentType: "application/x-amz-json-1.1", Self.errorType: "\(type):", Self.errorMessage: message]
        if let requestID = (context as? any EdgeRequestContext)?.requestID { headers[Self.requestID] = requestID }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.finish())))
    }

    // Real Cognito sends the type with a trailing colon; SDKs strip it.
    static let errorType = HTTPField.Name("x-amzn-ErrorType")!
    static let errorMessage = HTTPField.Name("x-amzn-ErrorMessage")!
    static let requestID = HTTPField.Name("x-amzn-RequestId")!
}
