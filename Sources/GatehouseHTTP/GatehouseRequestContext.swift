public import GatehouseEdge
public import Hummingbird
public import HummingbirdAuth
public import Logging
import NIOCore

/// The request context of every Gatehouse route: Hummingbird's core plus our request id and who
/// the request is from.
public struct GatehouseRequestContext: EdgeRequestContext, AuthRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id: the Lambda request id, the caller's sane `X-Request-Id`, or one we made.
    public var requestID: String
    /// Who the request is from, once the authenticators found out (``BearerAuthenticator``,
    /// ``SessionCookieAuthenticator``; routes that need it run on ``AuthenticatedRequestContext``).
    public var identity: Identity?
    /// The connection the request came on (nil behind API Gateway): its peer's address is read
    /// only when needed (the proxy's `X-Forwarded-For`).
    let channel: (any Channel)?
    /// The client's address as a front door without a connection (API Gateway) reported it.
    let reportedAddress: String?

    /// The server's context, made by Hummingbird for each request on a connection.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.channel = source.channel
        self.reportedAddress = nil
    }

    /// The address of the client the request came from: its connection's peer, or what the
    /// front door reported.
    public var clientAddress: String? { channel?.remoteAddress?.ipAddress ?? reportedAddress }

    /// A context for a request that did not arrive on a connection (the Lambda front door):
    /// `requestID` is kept as the id of the request, `clientAddress` as the client's address.
    public init(logger: Logger, requestID: String, clientAddress: String? = nil) {
        self.coreContext = .init(source: LoggerSource(logger: logger))
        self.requestID = requestID
        self.channel = nil
        self.reportedAddress = clientAddress
    }

    private struct LoggerSource: RequestContextSource {
        let logger: Logger
    }
}
