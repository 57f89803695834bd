public import GatehouseAWS
public import LocalPool
public import Logging
public import ServiceLifecycle

/// The local pool's Lambda triggers as `gatehouse serve` runs them: each function given with
/// `--trigger NAME=COMMAND` runs here, as runtime processes served a Lambda Runtime API on
/// loopback; any other configured function goes through Lambda's Invoke API when the
/// environment allows it (`AWS_ENDPOINT_URL_LAMBDA`, or credentials for the real one).
public struct TriggerFunctions: Sendable {
    /// What the pool calls to run a trigger; nil when no function can run at all (each configured
    /// trigger then fails as Cognito's does for a function it cannot invoke).
    public let invoker: (any TriggerInvoker)?
    /// The local functions' Runtime API servers, each with its process: run them with the rest.
    public let services: [any Service]

    /// The Prometheus histogram of invocation times, by `function` and `outcome`.
    public static let durationMetric = LocalTriggers.durationMetric
    /// Its buckets, from a tenth of a millisecond (a warm local hop) to Cognito's 5-second deadline.
    public static let durationBuckets = LocalTriggers.durationBuckets

    /// The functions in `NAME=COMMAND` pairs (from `--trigger` and `GATEHOUSE_TRIGGERS`); nil
    /// when one is malformed. The last pair for a name wins.
    public static func parse(_ pairs: [String]) -> [(name: String, command: String)]? {
        LocalTriggers.parse(pairs)
    }

    /// `local` functions run as processes (`AWS_REGION` `region` in their environment), the
    /// others through the Invoke API at the address and with the credentials `environment` gives.
    public init(
        local: [(name: String, command: String)],
        region: String,
        environment: [String: String],
        transport: any AWSTransport,
        logger: Logger
    ) {
        let pools = Dictionary(
            local.map { ($0.name, FunctionPool(function: LocalFunction(name: $0.name, command: $0.command), region: region, logger: logger)) },
            uniquingKeysWith: { _, last in last }
        )
        let invokeAPI = InvokeAPITriggers.from(environment: environment, transport: transport, logger: logger)
        invoker = pools.isEmpty && invokeAPI == nil ? nil : LocalTriggers(servers: pools, invokeAPI: invokeAPI)
        services = pools.values.flatMap { $0.servers.map { $0 as any Service } }
    }
}
