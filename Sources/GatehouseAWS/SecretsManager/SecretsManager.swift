public import GatehouseCore
public import Logging

/// Secrets Manager's `GetSecretValue` (JSON 1.1 over our SigV4 client), and the variables that
/// name a secret instead of holding it: `NAME_ARN=arn:…` fills `NAME` with the secret's value at
/// start-up, so secrets stay out of the function's configuration.
public struct SecretsManager: Sendable {
    private let client: AWSJSONClient

    /// A client of `endpoint` in `region`, its calls counted in `metrics`.
    public init(
        endpoint: AWSEndpoint,
        region: String,
        credentials: any AWSCredentialProvider,
        transport: any AWSTransport,
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        client = AWSJSONClient(
            endpoint: endpoint,
            service: "secretsmanager",
            region: region,
            targetPrefix: "secretsmanager",
            credentials: credentials,
            transport: transport,
            metrics: metrics
        )
    }

    /// The endpoint the AWS SDKs would use: `AWS_ENDPOINT_URL_SECRETS_MANAGER`, else
    /// `AWS_ENDPOINT_URL`, else `https://secretsmanager.{region}.amazonaws.com`.
    public static func endpoint(environment: [String: String], region: String) -> AWSEndpoint? {
        AWSEndpoint.sdk(variable: "AWS_ENDPOINT_URL_SECRETS_MANAGER", hostPrefix: "secretsmanager", environment: environment, region: region)
    }

    /// The `SecretString` of `secretID` (an ARN or a name). Needs `secretsmanager:GetSecretValue` on it.
    public func secretString(_ secretID: String, logger: Logger) async throws(AWSError) -> String {
        var request = JSONWriter()
        request.add("SecretId", secretID)
        let reply = try await client.call("GetSecretValue", body: request.finish(), logger: logger)
        guard let text = (try? JSONParser.parse(reply))?.objectValue?["SecretString"]?.stringValue else {
            throw AWSError(code: "SerializationError", message: "the secret has no SecretString", status: 200)
        }
        return text
    }

    /// The variables whose secrets are fetched at start-up.
    public static let resolvable = ["GATEHOUSE_OAUTH_CLIENT_SECRET", "GATEHOUSE_SESSION_KEYS"]

    /// `environment` with each of ``resolvable`` that is unset but has a `_ARN` companion filled
    /// with that secret. Throws naming the variable when a secret cannot be read.
    public static func resolve(
        _ environment: [String: String],
        credentials: AWSCredentials,
        transport: any AWSTransport,
        logger: Logger
    ) async throws(ConfigurationError) -> [String: String] {
        let wanted = resolvable.filter { (environment[$0] ?? "").isEmpty && !(environment[$0 + "_ARN"] ?? "").isEmpty }
        guard !wanted.isEmpty else { return environment }
        guard let region = environment["AWS_REGION"], !region.isEmpty,
            let endpoint = endpoint(environment: environment, region: region)
        else {
            throw ConfigurationError(variable: "AWS_REGION", problem: "not set (secrets are read from Secrets Manager in the region)")
        }
        let client = SecretsManager(endpoint: endpoint, region: region, credentials: StaticCredentialProvider(credentials), transport: transport)
        var resolved = environment
        for name in wanted {
            do {
                resolved[name] = try await client.secretString(environment[name + "_ARN"]!, logger: logger)
            } catch {
                // The code only: a message could quote more than we want in a log.
                throw ConfigurationError(variable: name + "_ARN", problem: "the secret could not be read (\(error.code))")
            }
        }
        return resolved
    }
}
