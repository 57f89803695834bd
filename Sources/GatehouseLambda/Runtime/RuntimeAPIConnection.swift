import NIOCore
import NIOHTTP1
import NIOPosix

/// One kept-alive HTTP/1.1 connection to the Runtime API, on NIO's codec directly: one exchange
/// at a time, on the function's event loop, connected again when the API closed it or said it
/// would (`Connection: close`). No general client's connection pool, streaming body or deadline
/// machinery sits on every event's path.
final class RuntimeAPIConnection: Sendable {
    /// Why an exchange has no answer (besides NIO's own connection errors).
    enum Failure: Error, CustomStringConvertible {
        /// The API closed the connection before it answered.
        case closed
        /// The API closed a kept-alive connection before any of the answer came back.
        case closedWhileReused
        /// The answer's body passed the exchange's limit.
        case tooLarge(limit: Int)
        /// No answer within the exchange's timeout.
        case timedOut
        /// An exchange was started while another was under way.
        case busy

        var description: String {
            switch self {
            case .closed, .closedWhileReused: "the Runtime API closed the connection before it answered"
            case .tooLarge(let limit): "the Runtime API's answer is over \(limit) bytes"
            case .timedOut: "the Runtime API did not answer in time"
            case .busy: "a Runtime API call was made while another was under way"
            }
        }
    }

    /// A complete answer.
    struct Answer {
        let head: HTTPResponseHead
        let body: ByteBuffer
    }

    private let eventLoop: any EventLoop
    /// `host:port`, as `AWS_LAMBDA_RUNTIME_API` gives it, and sent as `Host`.
    private let address: String
    private let channel: NIOLoopBoundBox<(any Channel)?>

    init(address: String, eventLoop: any EventLoop) {
        self.address = address
        self.eventLoop = eventLoop
        self.channel = NIOLoopBoundBox(nil, eventLoop: eventLoop)
    }

    /// Sends one request and reads its whole answer (at most `limit` bytes of body); past
    /// `timeout` the connection is closed and the exchange fails.
    func exchange(
        _ method: HTTPMethod,
        _ path: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: ByteBuffer? = nil,
        limit: Int,
        timeout: TimeAmount?
    ) async throws -> Answer {
        let start: @Sendable () -> EventLoopFuture<Answer> = {
            self.start(method, path, headers: headers, body: body, limit: limit, timeout: timeout).flatMapError { error in
                // A kept-alive connection the API closed as the request went out (its FIN was
                // still in flight): a GET changes nothing, so it goes out once more on a new one.
                guard method == .GET, let failure = error as? Failure, case .closedWhileReused = failure else {
                    return self.eventLoop.makeFailedFuture(error)
                }
                self.channel.value?.close(promise: nil)
                self.channel.value = nil
                return self.start(method, path, headers: headers, body: body, limit: limit, timeout: timeout)
            }
        }
        // From a task on this loop (the function's executor preference) the request goes out now.
        return try await (eventLoop.inEventLoop ? start() : eventLoop.flatSubmit(start)).get()
    }

    private func start(
        _ method: HTTPMethod,
        _ path: String,
        headers: HTTPHeaders,
        body: ByteBuffer?,
        limit: Int,
        timeout: TimeAmount?
    ) -> EventLoopFuture<Answer> {
        connected().flatMapThrowing { channel, reused -> (any Channel, EventLoopPromise<Answer>) in
            let promise = channel.eventLoop.makePromise(of: Answer.self)
            try channel.pipeline.syncOperations.handler(type: AnswerReader.self).expect(promise, limit: limit, reused: reused)
            return (channel, promise)
        }.flatMap { channel, promise in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
            head.headers.replaceOrAdd(name: "Host", value: self.address)
            if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if let body, body.readableBytes > 0 { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            if let timeout {
                let timer = channel.eventLoop.scheduleTask(in: timeout) {
                    promise.fail(Failure.timedOut)
                    channel.close(promise: nil)
                }
                promise.futureResult.whenComplete { _ in timer.cancel() }
            }
            return promise.futureResult.map { answer in
                // The API said it closes this connection: the next exchange opens a new one.
                if !answer.head.isKeepAlive {
                    self.channel.value = nil
                    channel.close(promise: nil)
                }
                return answer
            }
        }
    }

    /// The open connection (`reused`), or a new one.
    private func connected() -> EventLoopFuture<(any Channel, reused: Bool)> {
        if let channel = channel.value, channel.isActive { return eventLoop.makeSucceededFuture((channel, true)) }
        let colon = address.lastIndex(of: ":")
        let host = colon.map { String(address[..<$0]) } ?? address
        let port = colon.flatMap { Int(address[address.index(after: $0)...]) } ?? 80
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(AnswerReader())
                }
            }
            .connect(host: host, port: port)
            .map { channel in
                self.channel.value = channel
                return (channel, false)
            }
    }
}

/// Collects the answer to the one request under way and hands it to its promise; a closed
/// connection or an error fails it.
private final class AnswerReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private var pending: EventLoopPromise<RuntimeAPIConnection.Answer>?
    private var limit = 0
    private var reused = false
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    func expect(_ promise: EventLoopPromise<RuntimeAPIConnection.Answer>, limit: Int, reused: Bool) throws {
        guard pending == nil else { throw RuntimeAPIConnection.Failure.busy }
        pending = promise
        self.limit = limit
        self.reused = reused
        head = nil
        body.clear()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var part):
            guard body.readableBytes + part.readableBytes <= limit else {
                fail(RuntimeAPIConnection.Failure.tooLarge(limit: limit))
                return context.close(promise: nil)
            }
            body.writeBuffer(&part)
        case .end:
            guard let pending, let head else { return }
            self.pending = nil
            pending.succeed(RuntimeAPIConnection.Answer(head: head, body: body))
            body = ByteBuffer()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or a refused write on a reused connection the API was closing: nothing came back.
        let isClosing = reused && head == nil && (error is IOError || error is ChannelError)
        fail(isClosing ? RuntimeAPIConnection.Failure.closedWhileReused : error)
        context.close(promise: nil)
    }

    /// How a closed connection fails the exchange: retried when nothing came back on a connection
    /// the exchange reused.
    private var closed: RuntimeAPIConnection.Failure {
        reused && head == nil ? .closedWhileReused : .closed
    }

    private func fail(_ error: any Error) {
        guard let pending else { return }
        self.pending = nil
        pending.fail(error)
    }
}
