import GatehouseCore
public import NIOCore

/// One event handed out by the Runtime API's `next` endpoint.
public struct LambdaInvocation: Sendable {
    /// `Lambda-Runtime-Aws-Request-Id`: the id of this invocation, used in logs and error bodies.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when Lambda stops the function, in milliseconds since 1970.
    public var deadlineMilliseconds: Int64
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    public var functionARN: String?
    /// `Lambda-Runtime-Trace-Id`: the X-Ray trace header.
    public var traceID: String?
    /// The event, as sent.
    public var event: ByteBuffer

    /// An invocation from its parts.
    public init(requestID: String, deadlineMilliseconds: Int64, functionARN: String? = nil, traceID: String? = nil, event: ByteBuffer) {
        self.requestID = requestID
        self.deadlineMilliseconds = deadlineMilliseconds
        self.functionARN = functionARN
        self.traceID = traceID
        self.event = event
    }
}

/// A failure reported to the Runtime API, in the documented error shape.
public struct LambdaErrorReport: Sendable, Equatable {
    /// `errorType`, also sent as `Lambda-Runtime-Function-Error-Type`.
    public var type: String
    /// `errorMessage`: says what went wrong, with no secrets and no stack traces.
    public var message: String

    /// A report of `type` saying `message`.
    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    /// `{"errorMessage":…,"errorType":…,"stackTrace":[]}`.
    public var json: [UInt8] {
        var writer = JSONWriter()
        writer.add("errorMessage", message)
        writer.add("errorType", type)
        writer.add("stackTrace", [String]())
        return writer.finish()
    }

    /// The event could not be read as an API Gateway event.
    public static func invalidEvent(_ message: String) -> LambdaErrorReport {
        LambdaErrorReport(type: "InvalidEventDataException", message: message)
    }
}

/// The Runtime API (`http://$AWS_LAMBDA_RUNTIME_API/2018-06-01`), behind a protocol so the
/// loop can be tested against a fake.
public protocol LambdaRuntimeAPI: Sendable {
    /// Waits for the next event (long poll, no timeout).
    func next() async throws -> LambdaInvocation
    /// Posts the result of `requestID`.
    func respond(requestID: String, body: ByteBuffer) async throws
    /// Reports that `requestID` failed.
    func fail(requestID: String, error: LambdaErrorReport) async throws
    /// Reports that the function could not start; the runtime exits afterwards.
    func initFailed(_ error: LambdaErrorReport) async throws
}

/// What the Runtime API answered when it refused a call.
public struct LambdaRuntimeAPIError: Error, Sendable, CustomStringConvertible {
    /// The endpoint called.
    public let endpoint: String
    /// The HTTP status it answered with.
    public let status: Int

    /// A refusal of `endpoint` with `status`.
    public init(endpoint: String, status: Int) {
        self.endpoint = endpoint
        self.status = status
    }

    public var description: String { "Runtime API \(endpoint) answered \(status)" }
}
