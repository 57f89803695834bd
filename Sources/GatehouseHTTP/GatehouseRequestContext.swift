public import GatehouseEdge
public import Hummingbird
public import Logging
public import NIOCore

/// The request context of every Gatehouse route: Hummingbird's core plus our request id and,
/// behind API Gateway, what the gateway said about the request.
public struct GatehouseRequestContext: EdgeRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id: the Lambda request id, the caller's sane `X-Request-Id`, or one we made.
    public var requestID: String
    /// API Gateway's view of the request, when it came through the Lambda front door.
    public var gateway: GatewayInfo?
    /// Who the request is from, once ``IdentityMiddleware`` found out (routes that need it run
    /// on ``AuthenticatedRequestContext``).
    public var identity: Identity?
    /// The connection the request came on (nil behind API Gateway): its peer's address is read
    /// only when needed (the proxy's `X-Forwarded-For`).
    let channel: (any Channel)?

    /// The server's context, made by Hummingbird for each request on a connection.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.channel = source.channel
    }

    /// The address of the client the request came from, when it came on a connection.
    public var clientAddress: String? { channel?.remoteAddress?.ipAddress }

    /// A context for a request that did not arrive on a connection (the Lambda front door):
    /// `requestID` is kept as the id of the request.
    public init(logger: Logger, requestID: String, gateway: GatewayInfo? = nil) {
        self.coreContext = .init(source: LoggerSource(logger: logger))
        self.requestID = requestID
        self.gateway = gateway
        self.channel = nil
    }

    private struct LoggerSource: RequestContextSource {
        let logger: Logger
    }
}

/// What API Gateway adds to a request: its own request id, the caller's address, and the
/// claims its authorizer verified (all values as strings, the way API Gateway passes them).
public struct GatewayInfo: Sendable, Equatable {
    /// API Gateway's request id (`requestContext.requestId`).
    public var requestID: String?
    /// The caller's address as API Gateway saw it.
    public var sourceIP: String?
    /// The authorizer's claims (`requestContext.authorizer.claims`, or `.jwt.claims` on HTTP APIs).
    public var claims: [String: String]
    /// The authorizer's scopes (HTTP API JWT authorizers).
    public var scopes: [String]

    /// Gateway information from its parts.
    public init(requestID: String? = nil, sourceIP: String? = nil, claims: [String: String] = [:], scopes: [String] = []) {
        self.requestID = requestID
        self.sourceIP = sourceIP
        self.claims = claims
        self.scopes = scopes
    }
}
