public import Hummingbird
public import HummingbirdCore
import HummingbirdWebSocket
public import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Connection limits shared by every server `gatehouse serve` runs (API, pool, app), so that
/// idle, half-sent or trickled requests cannot hold sockets for ever or exhaust descriptors.
public struct ServerLimits: Sendable {
    /// A connection that sends nothing, or stops half-way through a request head or body, is
    /// closed after this long; so is a kept-alive connection with no next request.
    public var idleTimeout: Duration
    /// Open connections per server; past it new connections wait in the listen backlog.
    public var maximumConnections: Int

    /// Limits with `idleTimeout` and `maximumConnections`.
    public init(idleTimeout: Duration = .seconds(30), maximumConnections: Int) {
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
    }

    /// Raises the soft descriptor limit to the hard one (as Go's runtime does) and shares what
    /// there is among `servers` servers, keeping 128 descriptors for files, the HTTP client and
    /// the listeners themselves.
    public static func forProcess(servers: Int) -> ServerLimits {
        var limit = rlimit()
        if getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 {
            if limit.rlim_cur < limit.rlim_max {
                var raised = limit
                raised.rlim_cur = min(limit.rlim_max, 1 << 20)
                if setrlimit(RLIMIT_NOFILE_VALUE, &raised) == 0 { limit = raised }
            }
        } else {
            limit.rlim_cur = 1024
        }
        let available = Int(clamping: limit.rlim_cur) - 128
        let share = max(16, min(10_000, available / max(1, servers)))
        return ServerLimits(maximumConnections: share)
    }

    /// The HTTP/1.1 server with the idle timeout; responses are flushed at the end of the loop's
    /// turn (``FlushAtEndOfTick``), and each connection is handled on its own event loop
    /// (``LoopPreferringChannel``).
    public var server: HTTPServerBuilder {
        let configuration = http1
        return HTTPServerBuilder { responder in
            LoopPreferringChannel(HTTP1Channel(responder: responder, configuration: configuration))
        }
    }

    /// ``server`` with WebSocket handshakes handed to `relay` (upgraded when it says so).
    public func webSocketServer(_ relay: ProxyWebSocket) -> HTTPServerBuilder {
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(http1: http1, ws: .init(maxFrameSize: ProxyWebSocket.maximumMessage))
        return HTTPServerBuilder { responder in
            LoopPreferringChannel(
                HTTP1WebSocketUpgradeChannel(responder: responder, configuration: configuration) { head, channel, logger in
                    try await relay.shouldUpgrade(head, channel: channel, logger: logger)
                }
            )
        }
    }

    private var http1: HTTP1Channel.Configuration {
        .init(additionalChannelHandlers: [FlushAtEndOfTick()], idleTimeout: TimeAmount(idleTimeout))
    }

    /// The application configuration for `address`, with the connection cap.
    public func configuration(address: BindAddress, serverName: String, logger: Logger) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: address,
            serverName: serverName,
            availableConnectionsDelegate: MaximumAvailableConnections(maximumConnections, logger: logger)
        )
    }
}

#if canImport(Glibc)
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif

extension ServerLimits {
    /// A server of `router` on `host:port` within these limits, answering `allowed` hosts only:
    /// how `gatehouse serve` runs each of its servers.
    public func application<Builder: HTTPResponderBuilder>(
        _ router: Builder,
        host: String,
        port: Int,
        serverName: String,
        allowed: AllowedHosts,
        logger: Logger
    ) -> some ApplicationProtocol
    where Builder.Responder.Context: RequestContext, Builder.Responder.Context.Source == ApplicationRequestContextSource {
        Application(
            router: HostChecked(router, allowed: allowed),
            server: server,
            configuration: configuration(address: .hostname(host, port: port), serverName: serverName, logger: logger),
            logger: logger
        )
    }
}
