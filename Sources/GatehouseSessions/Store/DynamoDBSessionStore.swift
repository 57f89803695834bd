public import GatehouseAWS
import GatehouseCore
public import Logging

/// Sessions in a DynamoDB table, shared by every instance (Lambda or `gatehouse serve`) that
/// names it. One item per session, keyed by the hash of the cookie value; nothing is cached in
/// the process, so a logout through one instance is seen by the next request through any other.
///
/// Item: `id` (hash key), `subject` (the `bySubject` index's key), `username`, `tokens` (sealed,
/// binary), the deadlines and `version` as numbers, `refreshLeaseUntil`, and `expiresAt` (epoch
/// seconds, the table's TTL attribute). TTL deletion is lazy (and moto never deletes), so every
/// read checks the deadlines itself. Create with `gatehouse sessions create-table TABLE`.
public struct DynamoDBSessionStore: SessionStore {
    /// The global index on `subject` that "sign out everywhere" queries.
    public static let subjectIndex = "bySubject"
    /// The table's hash key.
    public static let key = "id"
    /// The TTL attribute (epoch seconds).
    public static let timeToLiveAttribute = "expiresAt"

    private let dynamoDB: DynamoDB
    private let table: String
    private let logger: Logger

    /// A store in `table` through `dynamoDB`.
    public init(dynamoDB: DynamoDB, table: String, logger: Logger) {
        self.dynamoDB = dynamoDB
        self.table = table
        self.logger = logger
    }

    public func create(_ record: SessionRecord) async throws(SessionStoreError) {
        do {
            try await dynamoDB.putItem(
                table: table,
                item: Self.item(record),
                condition: DynamoDBExpression("attribute_not_exists(#id)", names: ["#id": Self.key]),
                logger: logger
            )
        } catch {
            throw Self.error(error)
        }
    }

    public func read(id: String, now: Double) async throws(SessionStoreError) -> SessionRecord? {
        let item: [String: DynamoDBValue]?
        do {
            item = try await dynamoDB.getItem(table: table, key: [Self.key: .string(id)], consistent: true, logger: logger)
        } catch {
            throw Self.error(error)
        }
        guard let item else { return nil }
        guard let record = Self.record(item) else {
            logger.warning("gatehouse.session.malformed_item", metadata: ["gatehouse.table": "\(table)"])
            return nil
        }
        return record.isExpired(at: now) ? nil : record
    }

    public func replace(_ record: SessionRecord, expectedVersion: Int) async throws(SessionStoreError) -> Bool {
        var fields = Self.item(record)
        fields[Self.key] = nil
        let names = fields.keys.sorted()
        var placeholders: [String: String] = ["#id": Self.key, "#version": "version"]
        var values: [String: DynamoDBValue] = [":expected": .number(expectedVersion)]
        var assignments: [String] = []
        for (index, name) in names.enumerated() {
            placeholders["#f\(index)"] = name
            values[":f\(index)"] = fields[name]
            assignments.append("#f\(index) = :f\(index)")
        }
        do {
            try await dynamoDB.updateItem(
                table: table,
                key: [Self.key: .string(record.id)],
                update: DynamoDBExpression("SET " + assignments.joined(separator: ", "), names: placeholders, values: values),
                condition: DynamoDBExpression("attribute_exists(#id) AND #version = :expected"),
                logger: logger
            )
            return true
        } catch .conditionalCheckFailed {
            return false
        } catch {
            throw Self.error(error)
        }
    }

    public func delete(id: String) async throws(SessionStoreError) {
        do {
            try await dynamoDB.deleteItem(table: table, key: [Self.key: .string(id)], logger: logger)
        } catch {
            throw Self.error(error)
        }
    }

    /// Every session of `subject`, found through the `bySubject` index (eventually consistent
    /// on DynamoDB: a session created in the last moment may be missed; its refresh token is
    /// revoked at the IdP by the caller all the same).
    public func deleteAll(subject: String) async throws(SessionStoreError) -> Int {
        let items: [[String: DynamoDBValue]]
        do {
            items = try await dynamoDB.query(
                table: table,
                index: Self.subjectIndex,
                keyCondition: DynamoDBExpression("#subject = :subject", names: ["#subject": "subject"], values: [":subject": .string(subject)]),
                limit: 10_000,
                logger: logger
            )
        } catch {
            throw Self.error(error)
        }
        var deleted = 0
        for item in items {
            guard let id = item[Self.key]?.stringValue else { continue }
            try await delete(id: id)
            deleted += 1
        }
        return deleted
    }

    /// DynamoDB's TTL deletes expired items (reads never return them meanwhile): nothing to do.
    public func sweep(now: Double) async throws(SessionStoreError) -> Int { 0 }

    static func item(_ record: SessionRecord) -> [String: DynamoDBValue] {
        [
            key: .string(record.id),
            "subject": .string(record.subject),
            "username": .string(record.username),
            "tokens": .binary(record.sealedTokens),
            "accessExpiresAt": .number(number(record.accessExpiresAt)),
            "createdAt": .number(number(record.createdAt)),
            "idleExpiresAt": .number(number(record.idleExpiresAt)),
            "absoluteExpiresAt": .number(number(record.absoluteExpiresAt)),
            "version": .number(record.version),
            "refreshLeaseUntil": .number(number(record.refreshLeaseUntil)),
            // Whole seconds, rounded up: TTL never deletes a record before it has ended.
            timeToLiveAttribute: .number(Int(record.expiresAt.rounded(.up))),
        ]
    }

    static func record(_ item: [String: DynamoDBValue]) -> SessionRecord? {
        func double(_ name: String) -> Double? {
            guard case .number(let text)? = item[name] else { return nil }
            return Double(text)
        }
        guard let id = item[key]?.stringValue, let subject = item["subject"]?.stringValue,
            let username = item["username"]?.stringValue, let tokens = item["tokens"]?.binaryValue,
            let accessExpiresAt = double("accessExpiresAt"), let createdAt = double("createdAt"),
            let idleExpiresAt = double("idleExpiresAt"), let absoluteExpiresAt = double("absoluteExpiresAt"),
            let version = item["version"]?.intValue
        else { return nil }
        return SessionRecord(
            id: id,
            subject: subject,
            username: username,
            sealedTokens: tokens,
            accessExpiresAt: accessExpiresAt,
            createdAt: createdAt,
            idleExpiresAt: idleExpiresAt,
            absoluteExpiresAt: absoluteExpiresAt,
            version: version,
            refreshLeaseUntil: double("refreshLeaseUntil") ?? 0
        )
    }

    /// Epoch seconds as DynamoDB's decimal text, to the millisecond.
    static func number(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        let fraction = magnitude % 1000
        let whole = "\(sign)\(magnitude / 1000)"
        guard fraction != 0 else { return whole }
        var digits = String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
        while digits.hasSuffix("0") { digits.removeLast() }
        return whole + "." + digits
    }

    private static func error(_ error: DynamoDBError) -> SessionStoreError {
        SessionStoreError("dynamodb: \(error)")
    }
}
