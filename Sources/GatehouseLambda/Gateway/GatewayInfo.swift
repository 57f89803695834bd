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
