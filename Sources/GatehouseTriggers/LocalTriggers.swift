import GatehouseCore
import LocalPool

/// The local pool's triggers: functions given with `--trigger` run here; the others through
/// Lambda's Invoke API when the environment allows it.
struct LocalTriggers: TriggerInvoker {
    let servers: [String: FunctionPool]
    let invokeAPI: InvokeAPITriggers?
    /// How long each invocation took, from handing the event over to its answer (for a local
    /// function, the Runtime API hop and the handler), by `function` and `outcome`.
    let durations = MetricFamily(label: Self.durationMetric, dimensionNames: ["function", "outcome"])

    static let durationMetric = "gatehouse_trigger_duration_seconds"
    /// Its histogram's buckets: a warm local hop takes well under a millisecond, Cognito's
    /// deadline is 5 seconds.
    static let durationBuckets: [Duration] = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]
        .map { Duration.microseconds(Int64($0 * 1000)) }

    func invoke(functionARN: String, functionName: String, event: [UInt8]) async throws(TriggerFailure) -> [UInt8] {
        let start = ContinuousClock.now
        let result = await answer(functionARN: functionARN, functionName: functionName, event: event)
        let outcome =
            switch result {
            case .success: "success"
            case .failure(.handler): "handler_error"
            case .failure(.timedOut): "timeout"
            case .failure(.unreachable): "unreachable"
            }
        durations.timer([functionName, outcome]).record(ContinuousClock.now - start)
        return try result.get()
    }

    private func answer(functionARN: String, functionName: String, event: [UInt8]) async -> Result<[UInt8], TriggerFailure> {
        guard let server = servers[functionName] else {
            guard let invokeAPI else {
                return .failure(
                    .unreachable(reason: "no --trigger \(functionName)=COMMAND, and no Lambda endpoint (AWS_ENDPOINT_URL_LAMBDA) or credentials")
                )
            }
            do {
                return .success(try await invokeAPI.invoke(functionARN: functionARN, functionName: functionName, event: event))
            } catch {
                return .failure(error)
            }
        }
        return await server.function.invoke(event) { slot in server.servers[slot].restartProcess() }
    }

    /// `NAME=COMMAND` pairs (from `--trigger` and `GATEHOUSE_TRIGGERS`, separated by `;`), or
    /// nil when one is not a Lambda function name, `=`, and a command.
    static func parse(_ pairs: [String]) -> [(name: String, command: String)]? {
        var parsed: [(name: String, command: String)] = []
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let name = String(pair[..<equals])
            let command = String(pair[pair.index(after: equals)...])
            guard LambdaTriggers.functionName(of: "arn:aws:lambda:us-east-1:000000000000:function:" + name) == name,
                command.contains(where: { !$0.isWhitespace })
            else { return nil }
            parsed.append((name, command))
        }
        return parsed
    }
}
