public import GatehouseCore
public import Logging

/// A DynamoDB call failed.
public enum DynamoDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A condition expression was false. With `ReturnValuesOnConditionCheckFailure: ALL_OLD`,
    /// the item the condition saw (nil when there was none).
    case conditionalCheckFailed(item: [String: DynamoDBValue]?)
    /// Anything else (throttling has already been retried with backoff).
    case service(AWSError)

    public var description: String {
        switch self {
        case .conditionalCheckFailed: "ConditionalCheckFailedException"
        case .service(let error): error.description
        }
    }
}

/// An expression's placeholders: `#name` → attribute name, `:value` → value.
public struct DynamoDBExpression: Sendable {
    /// The expression text.
    public var text: String
    /// `ExpressionAttributeNames`.
    public var names: [String: String]
    /// `ExpressionAttributeValues`.
    public var values: [String: DynamoDBValue]

    /// An expression with its placeholders.
    public init(_ text: String, names: [String: String] = [:], values: [String: DynamoDBValue] = [:]) {
        self.text = text
        self.names = names
        self.values = values
    }
}

/// DynamoDB's JSON 1.0 protocol over our SigV4 client: the item operations a session store needs.
/// Throttling (`ProvisionedThroughputExceededException`, `ThrottlingException`, …), 5xx and
/// network failures are retried with backoff; a failed condition is not.
public struct DynamoDB: Sendable {
    private let client: AWSJSONClient

    /// A client of `endpoint` in `region`.
    public init(
        endpoint: AWSEndpoint,
        region: String,
        credentials: any AWSCredentialProvider,
        transport: any AWSTransport,
        timeout: Double = 5,
        retryPolicy: RetryPolicy = RetryPolicy(),
        clock: WallClock = .system,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        client = AWSJSONClient(
            endpoint: endpoint,
            service: "dynamodb",
            region: region,
            targetPrefix: "DynamoDB_20120810",
            jsonVersion: "1.0",
            credentials: credentials,
            transport: transport,
            timeout: timeout,
            retryPolicy: retryPolicy,
            clock: clock,
            sleep: sleep,
            metrics: metrics
        )
    }

    /// The endpoint the AWS SDKs would use: `AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`,
    /// else `https://dynamodb.{region}.amazonaws.com`; nil when an override is not a URL.
    public static func endpoint(environment: [String: String], region: String) -> AWSEndpoint? {
        AWSEndpoint.sdk(variable: "AWS_ENDPOINT_URL_DYNAMODB", hostPrefix: "dynamodb", environment: environment, region: region)
    }

    /// A client configured the way the AWS SDKs are: the region from `AWS_REGION` (or
    /// `AWS_DEFAULT_REGION`), the credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`
    /// and `AWS_SESSION_TOKEN`, the endpoint from ``endpoint(environment:region:)``.
    public init(environment: [String: String], transport: any AWSTransport) throws(ConfigurationError) {
        guard let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"], !region.isEmpty else {
            throw ConfigurationError(variable: "AWS_REGION", problem: "not set (DynamoDB needs a region)")
        }
        guard let endpoint = Self.endpoint(environment: environment, region: region) else {
            throw ConfigurationError(variable: "AWS_ENDPOINT_URL_DYNAMODB", problem: "must be an http(s) URL")
        }
        let credentials: AWSCredentials
        do {
            credentials = try EnvironmentCredentials.load(from: environment)
        } catch {
            throw ConfigurationError(variable: error.variable, problem: "not set (DynamoDB calls are signed)")
        }
        self.init(endpoint: endpoint, region: region, credentials: StaticCredentialProvider(credentials), transport: transport)
    }

    /// `GetItem`; `consistent` reads see every write acknowledged before.
    public func getItem(
        table: String,
        key: [String: DynamoDBValue],
        consistent: Bool = true,
        logger: Logger
    ) async throws(DynamoDBError)
        -> [String: DynamoDBValue]?
    {
        var request = JSONWriter()
        request.add("TableName", table)
        request.add("Key", json: DynamoDBValue.json(key))
        request.add("ConsistentRead", consistent)
        let reply = try await call("GetItem", request.finish(), logger: logger)
        return reply["Item"]?.objectValue.flatMap(DynamoDBValue.item)
    }

    /// `PutItem`, only when `condition` holds (when given).
    public func putItem(
        table: String,
        item: [String: DynamoDBValue],
        condition: DynamoDBExpression? = nil,
        logger: Logger
    ) async throws(DynamoDBError) {
        var request = JSONWriter()
        request.add("TableName", table)
        request.add("Item", json: DynamoDBValue.json(item))
        Self.add(condition: condition, to: &request)
        _ = try await call("PutItem", request.finish(), logger: logger)
    }

    /// `UpdateItem` with `update` (its placeholders merged with the condition's).
    public func updateItem(
        table: String,
        key: [String: DynamoDBValue],
        update: DynamoDBExpression,
        condition: DynamoDBExpression? = nil,
        logger: Logger
    ) async throws(DynamoDBError) {
        var request = JSONWriter()
        request.add("TableName", table)
        request.add("Key", json: DynamoDBValue.json(key))
        request.add("UpdateExpression", update.text)
        Self.add(condition: condition, to: &request, merging: update)
        _ = try await call("UpdateItem", request.finish(), logger: logger)
    }

    /// `DeleteItem`, only when `condition` holds (when given).
    public func deleteItem(
        table: String,
        key: [String: DynamoDBValue],
        condition: DynamoDBExpression? = nil,
        logger: Logger
    ) async throws(DynamoDBError) {
        var request = JSONWriter()
        request.add("TableName", table)
        request.add("Key", json: DynamoDBValue.json(key))
        Self.add(condition: condition, to: &request)
        _ = try await call("DeleteItem", request.finish(), logger: logger)
    }

    /// `Query` on `index` (or the table), every page followed up to `limit` items.
    public func query(
        table: String,
        index: String?,
        keyCondition: DynamoDBExpression,
        limit: Int = 1000,
        logger: Logger
    ) async throws(DynamoDBError)
        -> [[String: DynamoDBValue]]
    {
        var items: [[String: DynamoDBValue]] = []
        var start: [UInt8]?
        repeat {
            var request = JSONWriter()
            request.add("TableName", table)
            if let index { request.add("IndexName", index) }
            request.add("KeyConditionExpression", keyCondition.text)
            Self.addPlaceholders(names: keyCondition.names, values: keyCondition.values, to: &request)
            if let start { request.add("ExclusiveStartKey", json: start) }
            let reply = try await call("Query", request.finish(), logger: logger)
            for item in reply["Items"]?.arrayValue ?? [] {
                if let fields = item.objectValue.flatMap(DynamoDBValue.item) { items.append(fields) }
            }
            start = reply["LastEvaluatedKey"]?.objectValue.flatMap(DynamoDBValue.item).map(DynamoDBValue.json)
        } while start != nil && items.count < limit
        return Array(items.prefix(limit))
    }

    private static func add(condition: DynamoDBExpression?, to request: inout JSONWriter, merging other: DynamoDBExpression? = nil) {
        var names = other?.names ?? [:]
        var values = other?.values ?? [:]
        if let condition {
            request.add("ConditionExpression", condition.text)
            request.add("ReturnValuesOnConditionCheckFailure", "ALL_OLD")
            names.merge(condition.names) { first, _ in first }
            values.merge(condition.values) { first, _ in first }
        }
        addPlaceholders(names: names, values: values, to: &request)
    }

    private static func addPlaceholders(names: [String: String], values: [String: DynamoDBValue], to request: inout JSONWriter) {
        if !names.isEmpty {
            var writer = JSONWriter()
            for (placeholder, name) in names.sorted(by: { $0.key < $1.key }) { writer.add(placeholder, name) }
            request.add("ExpressionAttributeNames", json: writer.finish())
        }
        if !values.isEmpty { request.add("ExpressionAttributeValues", json: DynamoDBValue.json(values)) }
    }

    func call(_ operation: String, _ body: [UInt8], logger: Logger) async throws(DynamoDBError) -> [String: JSONValue] {
        let reply: [UInt8]
        do {
            reply = try await client.call(operation, body: body, logger: logger)
        } catch {
            if error.code == "ConditionalCheckFailedException" {
                let item = (try? JSONParser.parse(error.body))?.objectValue?["Item"]?.objectValue.flatMap(DynamoDBValue.item)
                throw .conditionalCheckFailed(item: item)
            }
            throw .service(error)
        }
        return (try? JSONParser.parse(reply))?.objectValue ?? [:]
    }
}
