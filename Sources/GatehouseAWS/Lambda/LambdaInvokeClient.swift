public import GatehouseCore
public import Logging

/// Lambda's `Invoke` (`POST /2015-03-31/functions/NAME/invocations`, `RequestResponse`), signed
/// with SigV4 for the `lambda` service: how the local pool runs a trigger's function on AWS, or
/// on an emulator at `AWS_ENDPOINT_URL_LAMBDA` (`sam local start-lambda`, LocalStack).
public struct LambdaInvokeClient: Sendable {
    /// Where Lambda is reached.
    public let endpoint: AWSEndpoint
    /// Seconds a call may take before it counts as timed out.
    public let timeout: Double
    private let signer: SigV4Signer
    private let credentials: (any AWSCredentialProvider)?
    private let transport: any AWSTransport
    private let clock: WallClock

    /// Why an invocation gave no answer.
    public enum Failure: Error, Sendable, Equatable {
        /// The function ran and raised (`X-Amz-Function-Error`), with its error message.
        case function(message: String)
        /// No answer within ``LambdaInvokeClient/timeout``.
        case timedOut
        /// Lambda refused the call (no such function, no permission), or could not be reached.
        case service(code: String, message: String)
    }

    /// A client for `region`; unsigned without `credentials` (emulators accept that).
    public init(
        endpoint: AWSEndpoint,
        region: String,
        credentials: (any AWSCredentialProvider)?,
        transport: any AWSTransport,
        timeout: Double = 5,
        clock: WallClock = .system
    ) {
        self.endpoint = endpoint
        self.signer = SigV4Signer(service: "lambda", region: region)
        self.credentials = credentials
        self.transport = transport
        self.timeout = timeout
        self.clock = clock
    }

    /// The function's answer to `payload`. `function` is a name, a partial or a full ARN, as
    /// Lambda accepts it in the path.
    public func invoke(function: String, payload: [UInt8], logger: Logger) async throws(Failure) -> [UInt8] {
        let request: AWSHTTPRequest
        do {
            request = try await signed(function: function, payload: payload)
        } catch {
            throw .service(code: "CredentialsError", message: "\(error)")
        }
        let response: AWSHTTPResponse
        let started = clock.now()
        do {
            response = try await transport.send(request, timeout: timeout, logger: logger)
        } catch {
            if clock.now() - started >= timeout { throw .timedOut }
            throw .service(code: "NetworkError", message: "Lambda could not be reached")
        }
        guard response.status == 200 else {
            let error = AWSError.parse(response)
            throw .service(code: error.code, message: error.message ?? "")
        }
        if response.header("X-Amz-Function-Error") != nil {
            let parsed = try? JSONParser.parse(response.body)
            let message = parsed?.objectValue?["errorMessage"]?.stringValue ?? String(decoding: response.body.prefix(1024), as: UTF8.self)
            throw .function(message: message)
        }
        return response.body
    }

    /// The request for `function`, signed when there are credentials.
    func signed(function: String, payload: [UInt8]) async throws -> AWSHTTPRequest {
        let path = "/2015-03-31/functions/\(SigV4Signer.uriEncode(function, keepSlash: false))/invocations"
        let headers: [(name: String, value: String)] = [
            (name: "Content-Type", value: "application/json"),
            (name: "X-Amz-Invocation-Type", value: "RequestResponse"),
        ]
        var signature: [(name: String, value: String)] = []
        if let credentials {
            let request = SigV4Signer.Request(method: "POST", host: endpoint.host, path: endpoint.basePath + path, headers: headers, body: payload)
            signature = signer.sign(request, credentials: try await credentials.credentials(), date: clock.now()).headers
        }
        return AWSHTTPRequest(
            url: endpoint.url(path: path),
            method: "POST",
            headers: headers + signature + [(name: "Host", value: endpoint.host)],
            body: payload
        )
    }
}
