import GatehouseAWS
import LocalPool
import Logging

/// The local pool's trigger functions run through Lambda's Invoke API: at
/// `AWS_ENDPOINT_URL_LAMBDA` (or `AWS_ENDPOINT_URL`) when set, signed when the environment has
/// credentials; otherwise at the function's regional endpoint with the environment's credentials.
struct InvokeAPITriggers: TriggerInvoker {
    let endpointOverride: AWSEndpoint?
    let credentials: (any AWSCredentialProvider)?
    let transport: any AWSTransport
    let logger: Logger

    /// The invoker the environment allows, or nil when it allows none (no endpoint override and
    /// no credentials).
    static func from(environment: [String: String], transport: any AWSTransport, logger: Logger) -> InvokeAPITriggers? {
        let override = ["AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        let credentials = (try? EnvironmentCredentials.load(from: environment)).map(StaticCredentialProvider.init)
        guard override != nil || credentials != nil else { return nil }
        return InvokeAPITriggers(
            endpointOverride: override.flatMap(AWSEndpoint.init(url:)),
            credentials: credentials,
            transport: transport,
            logger: logger
        )
    }

    func invoke(functionARN: String, functionName: String, event: [UInt8]) async throws(TriggerFailure) -> [UInt8] {
        // The ARN was checked when it was configured: its fourth part is the region.
        let region = String(functionARN.split(separator: ":", omittingEmptySubsequences: false)[3])
        guard let endpoint = endpointOverride ?? AWSEndpoint(url: "https://lambda.\(region).amazonaws.com") else {
            throw .unreachable(reason: "no Lambda endpoint for \(region)")
        }
        let client = LambdaInvokeClient(endpoint: endpoint, region: region, credentials: credentials, transport: transport)
        do {
            return try await client.invoke(function: functionName, payload: event, logger: logger)
        } catch {
            switch error {
            case .function(let message): throw .handler(message: message)
            case .timedOut: throw .timedOut
            case .service(let code, let message): throw .unreachable(reason: "\(code): \(message)")
            }
        }
    }
}
