import NIOCore
import NIOHTTP1

/// NIO's response parser (llhttp), told each request's method directly instead of by watching
/// encoded request parts go out: the connection writes its requests as bytes. The method matters
/// for `HEAD` (a response without a body whatever its `Content-Length` says).
final class UpstreamResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = HTTPClientResponsePart

    private let parser = HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop)

    private static let headRequest = HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .HEAD, uri: "/"))
    private static let otherRequest = HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/"))

    /// Expect the response to a request with `method`.
    func expectResponse(toHEAD isHead: Bool) {
        parser.write(data: isHead ? Self.headRequest : Self.otherRequest)
    }

    func decoderAdded(context: ChannelHandlerContext) { parser.decoderAdded(context: context) }

    func decoderRemoved(context: ChannelHandlerContext) { parser.decoderRemoved(context: context) }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        try parser.decode(context: context, buffer: &buffer)
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try parser.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }
}
