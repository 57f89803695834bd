import Foundation

/// A decoded JSON request body with typed, validating accessors.
struct APIRequest {
    let body: [String: Any]

    init(_ bytes: [UInt8]) throws(LocalPoolError) {
        if bytes.isEmpty {
            body = [:]
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw LocalPoolError("SerializationException", "The request body is not a JSON object.")
        }
        body = object
    }

    /// A required string member.
    func string(_ key: String) throws(LocalPoolError) -> String {
        guard let value = body[key] as? String, !value.isEmpty else {
            throw .invalidParameter(
                "1 validation error detected: Value at '\(Self.camel(key))' failed to satisfy constraint: Member must not be null"
            )
        }
        return value
    }

    /// An optional string member.
    func optionalString(_ key: String) -> String? {
        (body[key] as? String).flatMap { $0.isEmpty ? nil : $0 }
    }

    func bool(_ key: String) -> Bool? { body[key] as? Bool }

    func int(_ key: String) -> Int? { (body[key] as? NSNumber)?.intValue }

    func stringMap(_ key: String) -> [String: String] {
        (body[key] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
    }

    func stringList(_ key: String) -> [String]? { body[key] as? [String] }

    /// `[{"Name":…, "Value":…}]` members.
    func attributes(_ key: String) throws(LocalPoolError) -> [UserRecord.Attribute] {
        guard let list = body[key] else { return [] }
        guard let entries = list as? [[String: Any]] else { throw .invalidParameter("\(key) must be a list of attributes") }
        var result: [UserRecord.Attribute] = []
        for entry in entries {
            guard let name = entry["Name"] as? String else { throw .invalidParameter("An attribute in \(key) has no Name") }
            result.append(UserRecord.Attribute(name: name, value: entry["Value"] as? String ?? ""))
        }
        return result
    }

    private static func camel(_ key: String) -> String {
        key.prefix(1).lowercased() + key.dropFirst()
    }
}
