public import Hummingbird

/// The request context of every Gatehouse route: Hummingbird's core plus our request id.
public struct GatehouseRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id: the caller's sane `X-Request-Id`, or one we made.
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
    }
}
