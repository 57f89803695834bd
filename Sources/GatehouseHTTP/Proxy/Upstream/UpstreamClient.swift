public import NIOCore
import NIOPosix
public import NIOSSL

/// The reverse proxy's HTTP/1.1 client: keep-alive connections per upstream and event loop, a
/// request sent on the loop that read it, bodies streamed both ways with backpressure, the
/// timeout to the response head on the loop's own timer, TLS verified against the system's
/// roots (and any extra CA files). No redirects followed, no decompression, no retries except
/// one for a bodiless request whose reused connection closed before answering.
///
/// It does only what a proxy needs, where async-http-client cost a proxied request twice
/// the CPU (the README's benchmark section has the figures, from `scripts/bench-proxy.sh`).
public final class UpstreamClient: Sendable {
    /// Connection settings.
    public struct Configuration: Sendable {
        /// The time allowed to connect (then 502).
        public var connectTimeout = TimeAmount.seconds(5)
        /// How long an idle keep-alive connection is kept.
        public var idleTimeout = TimeAmount.seconds(60)
        /// Idle connections kept per upstream and event loop.
        public var idlePerLoop = 64

        /// The defaults.
        public init() {}
    }

    private let group: any EventLoopGroup
    private let configuration: Configuration
    private let pool: UpstreamPool
    /// TLS for https upstreams: the system's roots and `trustRoots`; nil if it could not be made
    /// (then every https upstream is 502, with the reason in the log).
    private let tls: Result<NIOSSLContext, UpstreamError>

    /// A client on `group`, trusting `trustRoots` besides the system's certificate authorities.
    public init(eventLoopGroup group: any EventLoopGroup, trustRoots: [NIOSSLCertificate] = [], configuration: Configuration = .init()) {
        self.group = group
        self.configuration = configuration
        pool = UpstreamPool(limit: configuration.idlePerLoop)
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if !trustRoots.isEmpty { tlsConfiguration.additionalTrustRoots = [.certificates(trustRoots)] }
        tls = Result { try NIOSSLContext(configuration: tlsConfiguration) }.mapError { .connect("TLS set-up failed: \($0)") }
    }

    /// Sends `request` to `origin` with `body` (read only when the request's framing has one),
    /// and returns the response once its head has come. `timeout` counts from the end of the
    /// request's body.
    public func execute<Body: AsyncSequence & Sendable>(
        _ request: UpstreamRequest,
        to origin: UpstreamOrigin,
        body: Body,
        timeout: TimeAmount
    ) async throws(UpstreamError) -> UpstreamResponse where Body.Element == ByteBuffer {
        let hasBody = request.hasBody
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? group.next()
        for attempt in 0..<2 {
            let reused = attempt == 0 ? pool.take(origin, on: loop) : nil
            let connection: UpstreamConnection
            if let reused { connection = reused } else { connection = try await connect(origin, on: loop) }
            let response = loop.run { connection.handler.value.start(request, timeout: timeout) }
            let upload = hasBody ? upload(body, on: connection) : .none
            do {
                var answer = try await response.get()
                answer.upload = upload
                return answer
            } catch UpstreamError.closedBeforeResponse where reused != nil && !hasBody {
                // The upstream closed the idle connection as the request went out: once more, on a new one.
                continue
            } catch {
                await upload.settle()
                throw error as? UpstreamError ?? .failed("\(error)")
            }
        }
        throw .closedBeforeResponse
    }

    /// Closes the idle connections.
    public func shutdown() async {
        await pool.closeAll()
    }

    /// Reads the client's body and writes it upstream. When the upstream stops taking it (the
    /// connection closed: it answered early, failed, or timed out), the rest is read and dropped
    /// until the body ends or ``UpstreamUpload/settle()`` cancels the reading, which ends the
    /// client connection's input: the connection then closes after the response.
    private func upload<Body: AsyncSequence & Sendable>(_ body: Body, on connection: UpstreamConnection) -> UpstreamUpload
    where Body.Element == ByteBuffer {
        let loop = connection.channel.eventLoop
        return UpstreamUpload(
            task: Task {
                var forwarding = true
                do {
                    for try await chunk in body where forwarding {
                        do {
                            try await loop.run { connection.handler.value.write(body: chunk) }.get()
                        } catch {
                            forwarding = false
                            connection.channel.close(promise: nil)
                        }
                    }
                    if forwarding { loop.execute { connection.handler.value.endRequest() } }
                } catch {
                    // The client left mid-upload, or the reading was cancelled: the exchange is over.
                    connection.channel.close(promise: nil)
                }
            }
        )
    }

    private func connect(_ origin: UpstreamOrigin, on loop: any EventLoop) async throws(UpstreamError) -> UpstreamConnection {
        let pool = self.pool
        let tls = origin.tls ? try self.tls.get() : nil
        let idleTimeout = configuration.idleTimeout
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        let isAddress = (try? SocketAddress(ipAddress: origin.host, port: 0)) != nil
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : origin.host))
                    }
                    let decoder = UpstreamResponseDecoder()
                    try pipeline.addHandler(ByteToMessageHandler(decoder))
                    try pipeline.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try pipeline.addHandler(
                        UpstreamHandler(eventLoop: channel.eventLoop, decoder: decoder) { channel, handler in
                            pool.put(
                                UpstreamConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop)),
                                origin: origin
                            )
                        }
                    )
                    channel.closeFuture.whenComplete { _ in pool.remove(channel, origin: origin) }
                }
            }
        do {
            let channel = try await bootstrap.connect(host: origin.host, port: origin.port).get()
            return try await loop.run {
                let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
                return loop.makeSucceededFuture(UpstreamConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: loop)))
            }.get()
        } catch {
            throw .connect("\(error)")
        }
    }
}

extension EventLoop {
    /// `body`'s future, run at once when already on this loop, else submitted to it.
    func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> EventLoopFuture<Value>) -> EventLoopFuture<Value> {
        guard inEventLoop else { return flatSubmit { self.run(body) } }
        do { return try body() } catch { return makeFailedFuture(error) }
    }
}
