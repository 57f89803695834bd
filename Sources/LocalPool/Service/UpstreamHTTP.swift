/// How the pool reaches an upstream OpenID Connect provider over HTTP: its discovery document
/// now, its token endpoint and keys in the sign-in. The composition gives the real client; a
/// pool without one needs every endpoint spelled out.
public protocol UpstreamHTTP: Sendable {
    /// Sends a request and returns the answer's status and body.
    func send(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]) async throws -> (status: Int, body: [UInt8])
}
