import GatehouseAWS
import LocalPool
import Logging

/// The local pool's way to its OIDC identity providers: the process's HTTP client, five seconds
/// a request.
struct TransportUpstream: UpstreamHTTP {
    let transport: any AWSTransport
    let logger: Logger

    func send(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]) async throws -> (status: Int, body: [UInt8]) {
        let response = try await transport.send(AWSHTTPRequest(url: url, method: method, headers: headers, body: body), timeout: 5, logger: logger)
        return (response.status, response.body)
    }
}
