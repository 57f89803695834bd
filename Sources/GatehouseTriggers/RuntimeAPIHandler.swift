import GatehouseCore
import GatehouseHTTP
import LocalPool
import Logging
import NIOCore
import NIOHTTP1

/// One connection of a runtime process to its slot's Runtime API, on NIO's HTTP/1.1 codec
/// directly: a `next` long poll is answered from the event loop the moment an invocation is
/// handed over, and a response settles its invocation as soon as its body is read, with no
/// task of its own in between (the hop costs two loopback trips and little else).
final class RuntimeAPIHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let base = "/2018-06-01/runtime"
    /// Largest response accepted (Lambda's synchronous payload limit), and largest error report.
    private static let maximumResponse = 6 << 20
    private static let maximumReport = 1 << 20

    private let server: RuntimeAPIServer
    private let allowed: AllowedHosts
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false
    /// The `next` poll waiting on this connection, withdrawn if the connection closes.
    private var poll: Int?

    init(server: RuntimeAPIServer, allowed: AllowedHosts) {
        self.server = server
        self.allowed = allowed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
            tooLarge = false
        case .body(var part):
            if body.readableBytes + part.readableBytes > Self.maximumResponse {
                tooLarge = true
            } else {
                body.writeBuffer(&part)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            route(head, context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        // Only the process's own requests: a page on another name that resolves to 127.0.0.1
        // (DNS rebinding) sends that name as Host.
        guard allowed.allows(head.headers.first(name: "host")) else {
            return respond(.misdirectedRequest, keepAlive: head.isKeepAlive, context: context)
        }
        let keepAlive = head.isKeepAlive
        switch Endpoint(head.method, head.uri) {
        case .next:
            next(keepAlive: keepAlive, context: context)
        case .response(let id) where !tooLarge:
            accepted(server.function.finish(id, with: .success(Array(buffer: body))), keepAlive: keepAlive, context: context)
        case .error(let id) where body.readableBytes <= Self.maximumReport:
            let report = try? JSONParser.parse(Array(buffer: body))
            let message =
                report?.objectValue?["errorMessage"]?.stringValue ?? head.headers.first(name: "Lambda-Runtime-Function-Error-Type")
                ?? "Unhandled"
            accepted(server.function.finish(id, with: .failure(.handler(message: message))), keepAlive: keepAlive, context: context)
        case .initError where body.readableBytes <= Self.maximumReport:
            server.logger.error(
                "gatehouse.trigger.init_error",
                metadata: ["gatehouse.function": "\(server.function.name)", "gatehouse.error": "\(String(buffer: body).prefix(2048))"]
            )
            accepted(true, keepAlive: keepAlive, context: context)
        case .response, .error, .initError:
            respond(.payloadTooLarge, keepAlive: false, context: context)
        case .unknown:
            respond(.notFound, keepAlive: keepAlive, context: context)
        }
    }

    /// What a request asks for.
    enum Endpoint: Equatable {
        case next
        case response(String)
        case error(String)
        case initError
        case unknown

        init(_ method: HTTPMethod, _ uri: String) {
            let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard path.hasPrefix(RuntimeAPIHandler.base + "/") else {
                self = .unknown
                return
            }
            let parts = path.dropFirst(RuntimeAPIHandler.base.count + 1).split(separator: "/", omittingEmptySubsequences: false)
            switch (method, parts.count, parts.first) {
            case (.GET, 2, "invocation") where parts[1] == "next": self = .next
            case (.POST, 3, "invocation") where parts[2] == "response" && !parts[1].isEmpty: self = .response(String(parts[1]))
            case (.POST, 3, "invocation") where parts[2] == "error" && !parts[1].isEmpty: self = .error(String(parts[1]))
            case (.POST, 2, "init") where parts[1] == "error": self = .initError
            default: self = .unknown
            }
        }
    }

    /// Answers the long poll when the function hands this slot an invocation (on this loop);
    /// `410 Gone` when the process is to stop.
    private func next(keepAlive: Bool, context: ChannelHandlerContext) {
        server.polled()
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let region = server.region
        let name = server.function.name
        poll = server.function.next(slot: server.slot, on: context.eventLoop) { invocation in
            let (handler, context) = bound.value
            handler.poll = nil
            guard context.channel.isActive else { return false }
            guard let invocation else {
                handler.respond(.gone, keepAlive: false, context: context)
                return true
            }
            var headers = HTTPHeaders()
            headers.add(name: "Lambda-Runtime-Aws-Request-Id", value: invocation.id)
            headers.add(name: "Lambda-Runtime-Deadline-Ms", value: String(invocation.deadline))
            headers.add(name: "Lambda-Runtime-Invoked-Function-Arn", value: "arn:aws:lambda:\(region):000000000000:function:\(name)")
            headers.add(name: "Lambda-Runtime-Trace-Id", value: "Root=1-00000000-000000000000000000000000;Sampled=0")
            handler.respond(.ok, headers: headers, body: invocation.event, keepAlive: keepAlive, context: context)
            return true
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let poll { server.function.withdraw(poll) }
        poll = nil
        context.fireChannelInactive()
    }

    /// `202` for an invocation settled now; `400` for one unknown or settled before (late, or
    /// past its deadline), as Lambda answers.
    private func accepted(_ settled: Bool, keepAlive: Bool, context: ChannelHandlerContext) {
        let body = settled ? #"{"status":"OK"}"# : #"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#
        respond(settled ? .accepted : .badRequest, body: Array(body.utf8), keepAlive: keepAlive, context: context)
    }

    private func respond(
        _ status: HTTPResponseStatus,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else { return }
        var headers = headers
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !body.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil) }
        guard !keepAlive else { return context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil) }
        let written = context.eventLoop.makePromise(of: Void.self)
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }
}
