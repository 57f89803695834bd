public import GatehouseCore
public import Logging

/// Fetches a JWKS document over HTTP(S) with a timeout.
public struct HTTPJWKSFetcher: JWKSFetching {
    /// The JWKS URL.
    public let url: String
    /// Seconds a fetch may take.
    public let timeout: Double
    private let transport: any AWSTransport

    /// A fetcher for `url`.
    public init(url: String, transport: any AWSTransport, timeout: Double = 3) {
        self.url = url
        self.transport = transport
        self.timeout = timeout
    }

    /// Why a fetch failed.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    public func fetchKeySet(logger: Logger) async throws -> JSONWebKeySet {
        let request = AWSHTTPRequest(url: url, method: "GET", headers: [(name: "Accept", value: "application/json")], body: [])
        let response = try await transport.send(request, timeout: timeout, logger: logger)
        guard response.status == 200 else { throw Failure(description: "JWKS endpoint answered HTTP \(response.status)") }
        do {
            return try JSONWebKeySet(json: response.body)
        } catch {
            throw Failure(description: "JWKS document rejected: \(error.reason)")
        }
    }
}
