public import Hummingbird
import Logging
import NIOCore

/// A request context the edge can give a request id.
public protocol EdgeRequestContext: RequestContext {
    /// The request id (empty until the edge assigns one, unless the front door knew it).
    var requestID: String { get set }
}

/// The context of servers that need nothing more than the edge's (the local pool, the app).
public struct EdgeContext: EdgeRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id.
    public var requestID: String
    /// The address of the peer that sent the request (the loopback proxy's, behind one).
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
