public import GatehouseHTTP
import HTTPTypes
public import Hummingbird
public import Logging
public import NIOCore

/// The Lambda handler of the API: an API Gateway event in, the same router the server runs,
/// a proxy response out. Built once per process; nothing is created per request beyond the
/// request itself.
public struct GatewayHandler<Responder: HTTPResponder>: LambdaHandler where Responder.Context == GatehouseRequestContext {
    private let responder: Responder

    /// Largest response body collected (API Gateway's synchronous limit is 6 MB, before base64).
    public static var maximumResponseBytes: Int { 4 * 1024 * 1024 }

    /// A handler answering with `responder` (normally `buildRouter(…).buildResponder()`).
    public init(responder: Responder) {
        self.responder = responder
    }

    public func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> ByteBuffer {
        let request = try GatewayRequest.decode(invocation.event)
        var logger = logger
        if let gatewayID = request.gateway.requestID { logger[metadataKey: "gatehouse.gateway_request_id"] = "\(gatewayID)" }
        let context = GatehouseRequestContext(logger: logger, requestID: invocation.requestID, clientAddress: request.gateway.sourceIP)
        let response = try await responder.respond(to: Request(head: request.head, body: .init(buffer: request.body)), context: context)
        let collector = CollectingWriter(limit: Self.maximumResponseBytes)
        let body = try await collector.collect(response.body)
        return GatewayResponse.encode(
            status: response.status.code,
            headers: response.headers,
            body: body,
            format: request.format
        )
    }
}

/// A response too large to hand back through API Gateway.
struct ResponseTooLarge: Error, LambdaReportableError {
    var report: LambdaErrorReport {
        LambdaErrorReport(type: "Runtime.ResponseTooLarge", message: "The response body is larger than API Gateway accepts")
    }
}

/// Gathers a Hummingbird response body into one buffer.
struct CollectingWriter {
    let limit: Int

    func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let sink = Sink(limit: limit)
        try await body.write(sink)
        return sink.buffer
    }

    /// A reference, because `ResponseBody.write` consumes the writer it is given.
    private final class Sink: ResponseBodyWriter {
        let limit: Int
        var buffer = ByteBuffer()

        init(limit: Int) { self.limit = limit }

        func write(_ part: ByteBuffer) async throws {
            guard buffer.readableBytes + part.readableBytes <= limit else { throw ResponseTooLarge() }
            var part = part
            buffer.writeBuffer(&part)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
