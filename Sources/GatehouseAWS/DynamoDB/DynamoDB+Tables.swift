import GatehouseCore
public import Logging

/// Making the session table: `CreateTable` and `UpdateTimeToLive`.
extension DynamoDB {
    /// `CreateTable` on demand: a string hash key `key`, and a global index per entry of
    /// `indexes` (index name → its string hash key) projecting keys only.
    public func createTable(_ table: String, key: String, indexes: [String: String], logger: Logger) async throws(DynamoDBError) {
        var request = JSONWriter()
        request.add("TableName", table)
        request.add("BillingMode", "PAY_PER_REQUEST")
        let attributes = ([key] + indexes.values.sorted()).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        request.add(
            "AttributeDefinitions",
            json: Self.list(
                attributes.map { name in
                    var writer = JSONWriter()
                    writer.add("AttributeName", name)
                    writer.add("AttributeType", "S")
                    return writer.finish()
                }
            )
        )
        request.add("KeySchema", json: Self.keySchema(key))
        if !indexes.isEmpty {
            request.add(
                "GlobalSecondaryIndexes",
                json: Self.list(
                    indexes.sorted(by: { $0.key < $1.key }).map { name, hashKey in
                        var writer = JSONWriter()
                        writer.add("IndexName", name)
                        writer.add("KeySchema", json: Self.keySchema(hashKey))
                        writer.add("Projection", json: Array(#"{"ProjectionType":"KEYS_ONLY"}"#.utf8))
                        return writer.finish()
                    }
                )
            )
        }
        _ = try await call("CreateTable", request.finish(), logger: logger)
    }

    /// `UpdateTimeToLive`: DynamoDB deletes items whose `attribute` (epoch seconds) has passed,
    /// lazily (reads must check expiry themselves).
    public func enableTimeToLive(table: String, attribute: String, logger: Logger) async throws(DynamoDBError) {
        var specification = JSONWriter()
        specification.add("Enabled", true)
        specification.add("AttributeName", attribute)
        var request = JSONWriter()
        request.add("TableName", table)
        request.add("TimeToLiveSpecification", json: specification.finish())
        _ = try await call("UpdateTimeToLive", request.finish(), logger: logger)
    }

    private static func keySchema(_ hashKey: String) -> [UInt8] {
        Array(#"[{"AttributeName":"\#(hashKey)","KeyType":"HASH"}]"#.utf8)
    }

    private static func list(_ items: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += item
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }
}
