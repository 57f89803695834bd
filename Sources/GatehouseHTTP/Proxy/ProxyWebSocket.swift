import GatehouseCore
import HTTPTypes
import HummingbirdCore
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// WebSockets under an upstream's prefix: the handshake is authenticated (a bearer token, or the
/// session cookie with an allowed `Origin`, which the handshake must carry since it cannot carry
/// `X-CSRF`) before anything reaches the upstream; then messages are relayed both ways until
/// either side closes. A handshake that does not pass is refused with 400 and nothing reaches the
/// upstream (Hummingbird answers every refused upgrade so; a browser reports any refusal the
/// same way, as a failed connection).
public struct ProxyWebSocket: Sendable {
    let settings: ProxySettings
    let authenticator: RequestAuthenticator

    /// Largest message relayed, in bytes.
    static let maximumMessage = 1 << 20

    /// WebSockets of `settings`'s upstreams, authenticated by `authenticator`.
    public init(settings: ProxySettings, authenticator: RequestAuthenticator) {
        self.settings = settings
        self.authenticator = authenticator
    }

    /// Whether to upgrade the handshake `head`, and the relay when so.
    func shouldUpgrade(
        _ head: HTTPRequest,
        channel: any Channel,
        logger: Logger
    ) async throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        guard let target = try? await relayTarget(head, channel: channel, logger: logger) else { return .dontUpgrade }
        return .upgrade([:]) { inbound, outbound, context in
            await Self.relay(inbound: inbound, outbound: outbound, to: target, logger: context.logger)
        }
    }

    /// Where an authenticated handshake goes, and with what headers; nil (or a throw) refuses it.
    func relayTarget(_ head: HTTPRequest, channel: any Channel, logger: Logger) async throws -> (url: String, headers: HTTPFields)? {
        let (path, query) = Self.split(head.path ?? "/")
        guard let upstream = settings.upstream(for: String(path)),
            let identity = try await authenticator.identify(head.headerFields, cookieRule: .originRequired, logger: logger)
        else { return nil }
        try ReverseProxy.checkGroups(identity, upstream: upstream)
        guard let joined = ProxyPath.join(base: upstream.basePath, rest: path.dropFirst(upstream.prefix.count)) else { return nil }
        let forwarding = ProxyHeaders.Forwarding(
            accessToken: identity.rawToken,
            sub: identity.token.subject,
            username: identity.token.username,
            groups: identity.groups,
            clientAddress: channel.remoteAddress?.ipAddress,
            host: head.authority
        )
        var headers = ProxyHeaders.upstream(head.headerFields, forwarding: forwarding)
        // The client library makes its own handshake (its own Origin too: the browser's was
        // checked here): none of the client's may go through, or they would come twice.
        for name in ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept", "origin"] {
            headers[HTTPField.Name(name)!] = nil
        }
        let scheme = upstream.target.scheme == "https" ? "wss" : "ws"
        let url = "\(scheme)://\(upstream.target.authority ?? "")\(joined)" + (query.map { "?" + $0 } ?? "")
        logger.info("gatehouse.proxy.websocket", metadata: ["gatehouse.proxy.upstream": "\(upstream.prefix)"])
        return (url, headers)
    }

    /// Relays messages both ways until either side closes (or fails), then closes the other.
    static func relay(
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        to target: (url: String, headers: HTTPFields),
        logger: Logger
    ) async {
        do {
            try await WebSocketClient.connect(
                url: target.url,
                configuration: WebSocketClientConfiguration(maxFrameSize: maximumMessage, additionalHeaders: target.headers),
                logger: logger
            ) { upstreamInbound, upstreamOutbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: maximumMessage) { try await send(message, to: upstreamOutbound) }
                        try await upstreamOutbound.close(.normalClosure, reason: nil)
                    }
                    group.addTask {
                        for try await message in upstreamInbound.messages(maxSize: maximumMessage) { try await send(message, to: outbound) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.warning("gatehouse.proxy.websocket_failed", metadata: ["gatehouse.error": "\(error)"])
            try? await outbound.close(.unexpectedServerError, reason: "upstream unavailable")
        }
    }

    private static func send(_ message: WebSocketMessage, to writer: WebSocketOutboundWriter) async throws {
        switch message {
        case .text(let text): try await writer.write(.text(text))
        case .binary(let buffer): try await writer.write(.binary(buffer))
        }
    }

    /// A request target split at its first `?`.
    static func split(_ target: String) -> (path: Substring, query: Substring?) {
        guard let mark = target.firstIndex(of: "?") else { return (Substring(target), nil) }
        return (target[..<mark], target[target.index(after: mark)...])
    }
}
