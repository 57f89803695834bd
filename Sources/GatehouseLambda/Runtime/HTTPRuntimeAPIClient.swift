public import NIOCore
import NIOHTTP1

/// The Runtime API over HTTP/1.1 (``RuntimeAPIConnection``): one kept-alive connection serves
/// the whole life of the function, on its event loop.
public struct HTTPRuntimeAPIClient: LambdaRuntimeAPI {
    private let connection: RuntimeAPIConnection
    private static let base = "/2018-06-01"

    /// Largest event accepted (API Gateway's synchronous payload limit is 6 MB).
    public static let maximumEventBytes = 6 * 1024 * 1024 + 64 * 1024

    /// A client of the Runtime API at `host` (the value of `AWS_LAMBDA_RUNTIME_API`, `host:port`).
    public init(host: String, eventLoop: any EventLoop) {
        self.connection = RuntimeAPIConnection(address: host, eventLoop: eventLoop)
    }

    public func next() async throws -> LambdaInvocation {
        // A long poll: the function sleeps here between events, for as long as Lambda likes.
        let answer = try await connection.exchange(.GET, Self.base + "/runtime/invocation/next", limit: Self.maximumEventBytes, timeout: nil)
        let response = answer.head
        let body = answer.body
        guard response.status == .ok else {
            throw LambdaRuntimeAPIError(endpoint: "next", status: Int(response.status.code))
        }
        let headers = response.headers
        guard let requestID = headers.first(name: "Lambda-Runtime-Aws-Request-Id"), Self.isSafe(requestID) else {
            throw LambdaRuntimeAPIError(endpoint: "next (no usable request id)", status: Int(response.status.code))
        }
        return LambdaInvocation(
            requestID: requestID,
            deadlineMilliseconds: headers.first(name: "Lambda-Runtime-Deadline-Ms").flatMap { Int64($0) } ?? .max,
            functionARN: headers.first(name: "Lambda-Runtime-Invoked-Function-Arn"),
            traceID: headers.first(name: "Lambda-Runtime-Trace-Id"),
            event: body
        )
    }

    public func respond(requestID: String, body: ByteBuffer) async throws {
        try await post("/runtime/invocation/\(requestID)/response", body: body, errorType: nil)
    }

    public func fail(requestID: String, error: LambdaErrorReport) async throws {
        try await post("/runtime/invocation/\(requestID)/error", body: ByteBuffer(bytes: error.json), errorType: error.type)
    }

    public func initFailed(_ error: LambdaErrorReport) async throws {
        try await post("/runtime/init/error", body: ByteBuffer(bytes: error.json), errorType: error.type)
    }

    private func post(_ path: String, body: ByteBuffer, errorType: String?) async throws {
        var headers = HTTPHeaders()
        if let errorType {
            headers.add(name: "Content-Type", value: "application/vnd.aws.lambda.error+json")
            headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType)
        }
        let answer = try await connection.exchange(.POST, Self.base + path, headers: headers, body: body, limit: 64 * 1024, timeout: .seconds(10))
        guard answer.head.status == .accepted || answer.head.status == .ok else {
            throw LambdaRuntimeAPIError(endpoint: path, status: Int(answer.head.status.code))
        }
    }

    static func isSafe(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "-")
            }
    }
}
