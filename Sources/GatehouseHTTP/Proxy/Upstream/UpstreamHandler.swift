import HTTPTypes
import NIOCore
import NIOHTTP1

/// One upstream connection's end of the exchanges sent on it, one at a time, on its event loop.
///
/// A response that is whole by the end of the read that brought its head (most API answers) is
/// handed over complete, one buffer; a longer one is handed over as a stream after that read,
/// and reads stop while the stream's consumer is 16 chunks behind (backpressure to the upstream).
/// When both the request and the response have ended on a keep-alive connection, the connection
/// goes back to its pool; otherwise it closes.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Bodies longer than this before the first read ends are streamed.
    static let collectLimit = 256 * 1024

    private enum Phase {
        case idle
        case awaitingHead(EventLoopPromise<UpstreamResponse>)
        case collecting(EventLoopPromise<UpstreamResponse>, HTTPResponseHead, ByteBuffer?)
        case streaming(UpstreamResponseBody.Source)
        case closed
    }

    private var phase = Phase.idle
    private var context: ChannelHandlerContext?
    /// Counts exchanges, so a late timer or stream callback of an earlier one does nothing.
    private var exchange = 0
    private var requestEnded = true
    private var keepAlive = false
    private var chunked = false
    private var timer: Scheduled<Void>?
    private var timeout = TimeAmount.seconds(30)
    private var paused = false
    private var readPending = false
    private var failure: (any Error)?
    private let eventLoop: any EventLoop
    private let decoder: UpstreamResponseDecoder
    /// Called on the loop when an exchange ended with the connection reusable.
    private let reusable: (any Channel, UpstreamHandler) -> Void

    init(eventLoop: any EventLoop, decoder: UpstreamResponseDecoder, reusable: @escaping (any Channel, UpstreamHandler) -> Void) {
        self.eventLoop = eventLoop
        self.decoder = decoder
        self.reusable = reusable
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// The context held since `handlerAdded` is let go: it holds this handler, so keeping it would
    /// keep every closed connection's pipeline alive (the upstream-answer fuzz target's leak check).
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: Exchanges (called on the loop)

    /// Sends `request`'s head (the whole request when it has no body); the response comes in
    /// the future. The timeout to the response head starts when the request has ended.
    func start(_ request: UpstreamRequest, timeout: TimeAmount) -> EventLoopFuture<UpstreamResponse> {
        guard let context, case .idle = phase, context.channel.isActive else {
            return eventLoop.makeFailedFuture(UpstreamError.closedBeforeResponse)
        }
        exchange += 1
        let promise = context.eventLoop.makePromise(of: UpstreamResponse.self)
        phase = .awaitingHead(promise)
        requestEnded = !request.hasBody
        chunked = request.framing == .chunked
        keepAlive = true
        self.timeout = timeout
        decoder.expectResponse(toHEAD: request.method == .head)
        context.writeAndFlush(wrapOutboundOut(request.head(allocator: context.channel.allocator)), promise: nil)
        if requestEnded { startTimer(context) }
        return promise.futureResult
    }

    /// Writes one chunk of the request's body; the future completes when it has been written.
    func write(body chunk: ByteBuffer) -> EventLoopFuture<Void> {
        guard let context, !requestEnded else { return eventLoop.makeFailedFuture(UpstreamError.closed) }
        guard chunk.readableBytes > 0 else { return eventLoop.makeSucceededVoidFuture() }
        let promise = context.eventLoop.makePromise(of: Void.self)
        if chunked {
            var size = context.channel.allocator.buffer(capacity: 18)
            size.writeString(String(chunk.readableBytes, radix: 16))
            size.writeStaticString("\r\n")
            context.write(wrapOutboundOut(size), promise: nil)
            context.write(wrapOutboundOut(chunk), promise: nil)
            context.writeAndFlush(wrapOutboundOut(Self.crlf), promise: promise)
        } else {
            context.writeAndFlush(wrapOutboundOut(chunk), promise: promise)
        }
        return promise.futureResult
    }

    private static let crlf = ByteBuffer(string: "\r\n")
    private static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    /// Ends the request's body: the timeout to the head starts.
    func endRequest() {
        guard let context, !requestEnded else { return }
        requestEnded = true
        if chunked { context.writeAndFlush(wrapOutboundOut(Self.lastChunk), promise: nil) }
        switch phase {
        case .awaitingHead: startTimer(context)
        case .idle: finishExchange(context)
        default: break
        }
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // Interim answers (100 Continue) never come here: the decoder drops them.
            guard case .awaitingHead(let promise) = phase else { return unexpected(context) }
            timer?.cancel()
            timer = nil
            keepAlive = keepAlive && head.isKeepAlive && head.status.code != 101
            phase = .collecting(promise, head, nil)
        case .body(let chunk):
            switch phase {
            case .collecting(let promise, let head, var body):
                phase = .idle
                if body == nil { body = chunk } else { body!.writeImmutableBuffer(chunk) }
                phase = .collecting(promise, head, body)
                if body!.readableBytes > Self.collectLimit { beginStreaming(context) }
            case .streaming(let source):
                if case .stopProducing = source.yield(chunk) { paused = true }
            default:
                unexpected(context)
            }
        case .end:
            switch phase {
            case .collecting(let promise, let head, let body):
                responseEnded(context)
                promise.succeed(UpstreamResponse(head: head, body: .complete(body ?? ByteBuffer())))
            case .streaming(let source):
                responseEnded(context)
                source.finish()
            default:
                unexpected(context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .collecting = phase { beginStreaming(context) }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if paused { readPending = true } else { context.read() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Idle in the pool for too long: closed (an exchange may wait as long as it likes).
        if event is IdleStateHandler.IdleStateEvent, case .idle = phase { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure = failure ?? error
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        let previous = phase
        phase = .closed
        let error = failure.map { UpstreamError.failed("\($0)") }
        switch previous {
        case .awaitingHead(let promise): promise.fail(error ?? UpstreamError.closedBeforeResponse)
        case .collecting(let promise, _, _): promise.fail(error ?? UpstreamError.closed)
        case .streaming(let source): source.finish(error ?? UpstreamError.closed)
        case .idle, .closed: break
        }
        context.fireChannelInactive()
    }

    // MARK: The response body's consumer (called on the loop)

    /// The consumer wants more: reads resume.
    func resumeReading(exchange id: Int) {
        guard id == exchange, paused, let context else { return }
        paused = false
        if readPending {
            readPending = false
            context.read()
        }
    }

    /// The consumer is gone: if the body had not ended, the connection cannot be reused.
    func abandon(exchange id: Int) {
        guard id == exchange, case .streaming = phase, let context else { return }
        context.close(promise: nil)
    }

    // MARK: Steps

    private func beginStreaming(_ context: ChannelHandlerContext) {
        guard case .collecting(let promise, let head, let body) = phase else { return }
        let (source, sequence) = UpstreamResponseBody.make(handler: NIOLoopBound(self, eventLoop: context.eventLoop), exchange: exchange)
        phase = .streaming(source)
        if let body, case .stopProducing = source.yield(body) { paused = true }
        promise.succeed(UpstreamResponse(head: head, body: .streamed(sequence)))
    }

    private func responseEnded(_ context: ChannelHandlerContext) {
        phase = .idle
        paused = false
        if readPending {
            // A read held back for the consumer: the connection must go on reading (to see the
            // next answer, or the upstream closing it while idle).
            readPending = false
            context.read()
        }
        if requestEnded {
            finishExchange(context)
        } else {
            // Answered before the upload ended: the rest of the upload would have nowhere to go.
            context.close(promise: nil)
        }
    }

    private func finishExchange(_ context: ChannelHandlerContext) {
        if keepAlive { reusable(context.channel, self) } else { context.close(promise: nil) }
    }

    private func startTimer(_ context: ChannelHandlerContext) {
        let id = exchange
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            guard id == exchange, case .awaitingHead(let promise) = phase, let context = self.context else { return }
            phase = .closed
            promise.fail(UpstreamError.timeout)
            context.close(promise: nil)
        }
    }

    /// Bytes nobody asked for (a response while idle): the connection is not to be trusted.
    private func unexpected(_ context: ChannelHandlerContext) {
        failure = failure ?? UpstreamError.failed("a response part out of turn")
        context.close(promise: nil)
    }
}
