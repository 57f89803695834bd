/// Runs a trigger's Lambda function: the event in, the function's answer out. The composition
/// fills it (the Lambda Invoke API, at `AWS_ENDPOINT_URL_LAMBDA` or the regional endpoint); with
/// none, a configured trigger fails its operation as Cognito's would for a function it cannot
/// invoke.
public protocol TriggerInvoker: Sendable {
    /// The function's answer to `event` (JSON), or why there is none.
    func invoke(functionARN: String, functionName: String, event: [UInt8]) async throws(TriggerFailure) -> [UInt8]
}

/// Why a trigger's function gave no answer.
public enum TriggerFailure: Error, Sendable, Equatable {
    /// The handler raised an error, with its message.
    case handler(message: String)
    /// The function did not answer within its deadline (Cognito waits 5 seconds).
    case timedOut
    /// The function could not be run (none such, no permission, no way to run it); the reason
    /// goes to the log only.
    case unreachable(reason: String)
}
