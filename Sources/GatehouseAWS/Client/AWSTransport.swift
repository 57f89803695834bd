public import Logging

/// An HTTP request to an AWS endpoint, fully formed and signed.
public struct AWSHTTPRequest: Sendable {
    /// The full URL.
    public var url: String
    /// The method.
    public var method: String
    /// Headers in order.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// A request.
    public init(url: String, method: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}

/// An HTTP response from an AWS endpoint.
public struct AWSHTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Headers in order.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// A response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// Sends HTTP requests: the seam between AWS clients and the network.
public protocol AWSTransport: Sendable {
    /// Sends `request`, giving up after `timeout` seconds.
    ///
    /// Throws for network failures and timeouts; HTTP error statuses are returned, not thrown.
    func send(_ request: AWSHTTPRequest, timeout: Double, logger: Logger) async throws -> AWSHTTPResponse
}

/// An ``AWSTransport`` made from a closure, for tests.
public struct ClosureAWSTransport: AWSTransport {
    private let handler: @Sendable (AWSHTTPRequest) async throws -> AWSHTTPResponse

    /// Wraps `handler`.
    public init(_ handler: @escaping @Sendable (AWSHTTPRequest) async throws -> AWSHTTPResponse) {
        self.handler = handler
    }

    public func send(_ request: AWSHTTPRequest, timeout: Double, logger: Logger) async throws -> AWSHTTPResponse {
        try await handler(request)
    }
}
