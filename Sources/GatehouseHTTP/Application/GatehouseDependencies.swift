public import GatehouseCore
public import GatehouseSessions

/// The parts the API is made of, built once per process and shared by both front doors.
public struct GatehouseDependencies: Sendable {
    /// The userinfo service.
    public let userInfo: UserInfoService
    /// The signing keys (prefetched at start-up, reported by `/healthz`).
    public let keys: JWKSCache
    /// The CORS policy (also the CSRF check's origin allowlist).
    public let cors: CORSPolicy
    /// The token handler, when cookie sessions are on.
    public let sessions: SessionService?
    /// The app's own APIs behind the reverse proxy (none: the proxy is off).
    public let proxy: ProxySettings
    /// The proxy's HTTP client, when there are upstreams.
    public let proxyClient: UpstreamClient?

    /// Dependencies from their parts.
    public init(
        userInfo: UserInfoService,
        keys: JWKSCache,
        cors: CORSPolicy,
        sessions: SessionService? = nil,
        proxy: ProxySettings = .off,
        proxyClient: UpstreamClient? = nil
    ) {
        self.userInfo = userInfo
        self.keys = keys
        self.cors = cors
        self.sessions = sessions
        self.proxy = proxy
        self.proxyClient = proxyClient
    }

    /// Who a request is from, for every route and the proxy.
    public var authenticator: RequestAuthenticator {
        RequestAuthenticator(userInfo: userInfo, sessions: sessions, policy: cors)
    }
}
