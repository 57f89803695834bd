import HTTPTypes
import NIOCore
import NIOEmbedded

@testable import GatehouseHTTP

extension FuzzTargets {
    /// An upstream's answer as the network might cut it, through the proxy's own response decoder
    /// (llhttp) and connection handler on an embedded channel. Byte 0 picks the exchange (bit 0:
    /// a HEAD request; bit 1: a body being uploaded; bit 2: the upload ends after the answer's
    /// first read), byte 1 the read size (1 to 32 bytes); the rest is the answer, after which the
    /// upstream closes. Whatever came, the exchange has settled by then: answered or failed, a
    /// HEAD answer without a body, a whole body no longer than the bytes sent.
    static let upstreamAnswer: FuzzTarget = { bytes in
        guard bytes.count >= 2 else { return }
        let control = bytes[0]
        let readSize = Int(bytes[1] % 32) + 1
        let answer = Array(bytes.dropFirst(2))
        let isHead = control & 1 != 0
        let uploading = !isHead && control & 2 != 0
        let channel = EmbeddedChannel()
        let decoder = UpstreamResponseDecoder()
        let handler = UpstreamHandler(eventLoop: channel.eventLoop, decoder: decoder) { _, _ in }
        try! channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
        try! channel.pipeline.syncOperations.addHandler(handler)
        try! channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let request = UpstreamRequest(
            method: isHead ? .head : (uploading ? .put : .get),
            target: "/",
            host: "upstream",
            fields: [:],
            framing: uploading ? .chunked : .none
        )
        nonisolated(unsafe) var result: Result<UpstreamResponse, any Error>?
        handler.start(request, timeout: .seconds(30)).whenComplete { result = $0 }
        if uploading { _ = handler.write(body: ByteBuffer(string: "part of the upload")) }
        var offset = 0
        while offset < answer.count && channel.isActive {
            let end = min(offset + readSize, answer.count)
            _ = try? channel.writeInbound(ByteBuffer(bytes: answer[offset..<end]))
            if uploading && control & 4 != 0 && offset == 0 { handler.endRequest() }
            offset = end
        }
        _ = try? channel.close().wait()
        _ = try? channel.finish(acceptAlreadyClosed: true)
        // The loop's pending tasks (a stream callback, the head timer) hold the handler.
        try? channel.embeddedEventLoop.syncShutdownGracefully()
        guard let result else { preconditionFailure("the exchange never settled") }
        guard case .success(let response) = result, case .complete(let body) = response.body else { return }
        precondition(!isHead || body.readableBytes == 0, "a body in the answer to HEAD")
        precondition(body.readableBytes <= answer.count, "a body longer than the bytes sent")
    }
}
