public import NIOCore
public import NIOHTTP1

/// An upstream's answer: its head, and its body whole (it had ended by the end of the read that
/// brought the head) or streamed.
public struct UpstreamResponse: Sendable {
    /// The status line and headers.
    public let head: HTTPResponseHead
    /// The body.
    public let body: Body
    /// The request body's upload, which may still be running (an upstream can answer before
    /// reading all of it). Settle it once the answer has been relayed.
    public internal(set) var upload = UpstreamUpload.none

    /// How the body comes.
    public enum Body: Sendable {
        /// All of it, already read.
        case complete(ByteBuffer)
        /// Chunks as the upstream sends them.
        case streamed(UpstreamResponseBody)
    }
}

/// The upload of a request's body to the upstream, running beside the exchange. The server reads
/// the client connection again when the handler is done (to drain what is left of the body), and
/// two readers of one body at once stop the process: so ``settle()`` ends the upload first.
public struct UpstreamUpload: Sendable {
    let task: Task<Void, Never>?

    /// No upload (a request without a body).
    static let none = UpstreamUpload(task: nil)

    /// Stops reading the client's body when the upload has not ended (the client connection then
    /// closes after the response instead of being drained), and waits for the upload's task. A
    /// write it is waiting on fails as its upstream connection closes, which the upstream handler
    /// does when the answer ends before the upload.
    public func settle() async {
        guard let task else { return }
        task.cancel()
        await task.value
    }
}

/// Why an upstream exchange failed. `timeout` is 504 to the client; the others are 502.
public enum UpstreamError: Error, Equatable, CustomStringConvertible {
    /// The connection could not be made (refused, unreachable, no such host, TLS refused).
    case connect(String)
    /// No response head within the timeout.
    case timeout
    /// The connection closed before a response byte came.
    case closedBeforeResponse
    /// The connection closed before the response ended.
    case closed
    /// The connection failed (a reset, a malformed response, a TLS failure).
    case failed(String)

    public var description: String {
        switch self {
        case .connect(let reason): "could not connect: \(reason)"
        case .timeout: "no response head in time"
        case .closedBeforeResponse: "closed before a response"
        case .closed: "closed before the response ended"
        case .failed(let reason): reason
        }
    }
}

/// A streamed response body: the chunks as they come, reads from the upstream paused while the
/// consumer is behind.
public struct UpstreamResponseBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Delegate
    >
    typealias Source = Producer.Source

    let producer: Producer

    /// A body and its source, for `handler`'s exchange number `exchange`.
    static func make(handler: NIOLoopBound<UpstreamHandler>, exchange: Int) -> (Source, UpstreamResponseBody) {
        let made = Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: 4, highWatermark: 16),
            finishOnDeinit: false,
            delegate: Delegate(handler: handler, exchange: exchange)
        )
        return (made.source, UpstreamResponseBody(producer: made.sequence))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? { try await base.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: producer.makeAsyncIterator()) }

    /// Passes the consumer's demand back to the connection, on its loop.
    struct Delegate: NIOAsyncSequenceProducerDelegate {
        let handler: NIOLoopBound<UpstreamHandler>
        let exchange: Int

        func produceMore() {
            handler.eventLoop.execute { handler.value.resumeReading(exchange: exchange) }
        }

        func didTerminate() {
            handler.eventLoop.execute { handler.value.abandon(exchange: exchange) }
        }
    }
}
