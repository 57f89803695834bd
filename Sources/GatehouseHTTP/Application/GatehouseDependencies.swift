public import GatehouseCore

/// The parts the API is made of, built once per process and shared by both front doors.
public struct GatehouseDependencies: Sendable {
    /// The userinfo service.
    public let userInfo: UserInfoService
    /// The signing keys (prefetched at start-up, reported by `/healthz`).
    public let keys: JWKSCache
    /// The CORS policy.
    public let cors: CORSPolicy

    /// Dependencies from their parts.
    public init(userInfo: UserInfoService, keys: JWKSCache, cors: CORSPolicy) {
        self.userInfo = userInfo
        self.keys = keys
        self.cors = cors
    }
}
