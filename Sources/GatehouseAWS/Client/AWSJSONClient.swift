import CoreMetrics
public import GatehouseCore
public import Logging

/// A client for AWS JSON-protocol services (cognito-idp speaks JSON 1.1, DynamoDB JSON 1.0).
///
/// Every call is signed with SigV4, has a deadline, and is retried with exponential
/// backoff and full jitter on throttling, 5xx and network failures.
public struct AWSJSONClient: Sendable {
    /// The service endpoint.
    public let endpoint: AWSEndpoint
    /// The `X-Amz-Target` prefix, e.g. `AWSCognitoIdentityProviderService`.
    public let targetPrefix: String
    /// `application/x-amz-json-1.1` or `-1.0`.
    public let contentType: String
    /// Seconds each call may take, retries included.
    public let timeout: Double
    /// The retry rules.
    public let retryPolicy: RetryPolicy
    private let signer: SigV4Signer
    private let credentials: (any AWSCredentialProvider)?
    private let transport: any AWSTransport
    private let clock: WallClock
    private let sleep: @Sendable (Double) async throws -> Void
    private let metrics: GatehouseMetrics

    /// A client for one service in one region; without `credentials`, calls go unsigned (the
    /// operations a user's access token authorises, such as Cognito's `GetUser`).
    public init(
        endpoint: AWSEndpoint,
        service: String,
        region: String,
        targetPrefix: String,
        jsonVersion: String = "1.1",
        credentials: (any AWSCredentialProvider)?,
        transport: any AWSTransport,
        timeout: Double = 5,
        retryPolicy: RetryPolicy = RetryPolicy(),
        clock: WallClock = .system,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        self.metrics = metrics
        self.endpoint = endpoint
        self.signer = SigV4Signer(service: service, region: region)
        self.targetPrefix = targetPrefix
        self.contentType = "application/x-amz-json-\(jsonVersion)"
        self.credentials = credentials
        self.transport = transport
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.sleep = sleep
    }

    /// Calls `operation` with the JSON `body`, returning the response body (`{}` when empty).
    /// Counted in ``GatehouseMetrics/upstreamCalls`` by outcome and timed, retries included.
    public func call(_ operation: String, body: [UInt8], logger: Logger) async throws(AWSError) -> [UInt8] {
        let started = ContinuousClock.now
        do {
            let response = try await callWithRetries(operation, body: body, logger: logger)
            record(operation, outcome: "success", since: started)
            return response
        } catch {
            // Codes come from the upstream: only well-formed ones become label values.
            let code = error.code
            let wellFormed =
                code.utf8.count <= 64 && !code.isEmpty
                && code.utf8.allSatisfy {
                    $0 < 128 && ($0 == 46 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0))
                }
            record(operation, outcome: wellFormed ? code : "other", since: started)
            throw error
        }
    }

    private func record(_ operation: String, outcome: String, since started: ContinuousClock.Instant) {
        metrics.upstreamCalls.counter([signer.service, operation, outcome]).increment()
        metrics.upstreamDuration.timer([signer.service, operation]).record(ContinuousClock.now - started)
    }

    private func callWithRetries(_ operation: String, body: [UInt8], logger: Logger) async throws(AWSError) -> [UInt8] {
        let start = clock.now()
        let deadline = start + timeout
        var attempt = 0
        while true {
            attempt += 1
            let result = await attemptCall(operation, body: body, remaining: deadline - clock.now(), logger: logger)
            switch result {
            case .success(let response):
                return response.isEmpty ? Array("{}".utf8) : response
            case .failure(let error):
                let delay = retryPolicy.delay(afterAttempt: attempt)
                guard error.isRetryable, attempt < retryPolicy.maximumAttempts, clock.now() + delay < deadline else {
                    logger.debug(
                        "aws.call.failed",
                        metadata: ["aws.operation": "\(operation)", "aws.error": "\(error)", "aws.attempts": "\(attempt)"]
                    )
                    throw error
                }
                logger.debug(
                    "aws.call.retrying",
                    metadata: ["aws.operation": "\(operation)", "aws.error": "\(error.code)", "aws.attempt": "\(attempt)"]
                )
                do {
                    try await sleep(delay)
                } catch {
                    throw AWSError(code: "Cancelled", message: "the call was cancelled", status: 0)
                }
            }
        }
    }

    private func attemptCall(
        _ operation: String,
        body: [UInt8],
        remaining: Double,
        logger: Logger
    ) async -> Result<[UInt8], AWSError> {
        guard remaining > 0 else {
            return .failure(AWSError(code: "Timeout", message: "deadline passed", status: 0))
        }
        let signed: AWSHTTPRequest
        do {
            signed = try await sign(operation, body: body)
        } catch {
            return .failure(AWSError(code: "CredentialsError", message: "\(error)", status: 0))
        }
        let response: AWSHTTPResponse
        do {
            response = try await transport.send(signed, timeout: remaining, logger: logger)
        } catch {
            logger.debug("aws.call.transport_error", metadata: ["aws.error": "\(error)"])
            return .failure(AWSError(code: "NetworkError", message: "the service could not be reached", status: 0))
        }
        guard (200..<300).contains(response.status) else { return .failure(AWSError.parse(response)) }
        return .success(response.body)
    }

    func sign(_ operation: String, body: [UInt8]) async throws -> AWSHTTPRequest {
        let headers: [(name: String, value: String)] = [
            (name: "Content-Type", value: contentType),
            (name: "X-Amz-Target", value: "\(targetPrefix).\(operation)"),
        ]
        var signed: [(name: String, value: String)] = []
        if let credentials {
            let path = endpoint.basePath.isEmpty ? "/" : endpoint.basePath + "/"
            let request = SigV4Signer.Request(method: "POST", host: endpoint.host, path: path, headers: headers, body: body)
            signed = signer.sign(request, credentials: try await credentials.credentials(), date: clock.now()).headers
        }
        return AWSHTTPRequest(
            url: endpoint.url(path: "/"),
            method: "POST",
            headers: headers + signed + [(name: "Host", value: endpoint.host)],
            body: body
        )
    }
}
