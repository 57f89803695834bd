public import AsyncHTTPClient
public import Logging
import NIOCore
import NIOHTTP1

/// The production ``AWSTransport``, on one shared AsyncHTTPClient.
public struct HTTPClientTransport: AWSTransport {
    /// Responses larger than this are refused.
    public let maximumResponseBytes: Int
    private let client: HTTPClient

    /// A transport on `client` (one per process; the caller owns its lifecycle).
    public init(client: HTTPClient, maximumResponseBytes: Int = 1 << 20) {
        self.client = client
        self.maximumResponseBytes = maximumResponseBytes
    }

    public func send(_ request: AWSHTTPRequest, timeout: Double, logger: Logger) async throws -> AWSHTTPResponse {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers {
            outbound.headers.add(name: name, value: value)
        }
        if !request.body.isEmpty {
            outbound.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let response = try await client.execute(
            outbound,
            timeout: .milliseconds(Int64(max(timeout, 0.001) * 1000)),
            logger: logger
        )
        let body = try await response.body.collect(upTo: maximumResponseBytes)
        return AWSHTTPResponse(
            status: Int(response.status.code),
            headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: Array(buffer: body)
        )
    }
}
