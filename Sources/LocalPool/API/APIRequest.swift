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
        guard !Self.containsNUL(object) else {
            throw .invalidParameter("1 validation error detected: a string in the request contains a NUL character")
        }
        body = object
    }

    /// A member object of an already checked request, with the same accessors.
    init(object: [String: Any]) {
        body = object
    }

    /// Whether any string (key or value) in `value` holds U+0000: SQLite would cut it there, so
    /// `victim\0junk` could be taken for `victim`. No Cognito parameter pattern allows it.
    private static func containsNUL(_ value: Any) -> Bool {
        switch value {
        case let text as String: return text.utf8.contains(0)
        case let list as [Any]: return list.contains(where: containsNUL)
        case let object as [String: Any]: return object.contains { containsNUL($0.key) || containsNUL($0.value) }
        default: return false
        }
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

    /// An optional whole-number member within `range`; anything else (a fraction, a string, a
    /// number past `Int64`, out of range) is `InvalidParameterException`, never a trap.
    func int(_ key: String, in range: ClosedRange<Int>) throws(LocalPoolError) -> Int? {
        guard let value = body[key], !(value is NSNull) else { return nil }
        let prefix = "1 validation error detected: Value at '\(Self.camel(key))' failed to satisfy constraint: "
        // JSONSerialization hands booleans over as NSNumbers of type `c` (and `1 is Bool` holds).
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
            throw .invalidParameter(prefix + "Member must be a number")
        }
        // Every range we check fits well inside a Double's exact integers.
        let double = number.doubleValue
        guard double.isFinite, double.rounded(.towardZero) == double else {
            throw .invalidParameter(prefix + "Member must be a whole number")
        }
        guard double >= Double(range.lowerBound) else {
            throw .invalidParameter(prefix + "Member must have value greater than or equal to \(range.lowerBound)")
        }
        guard double <= Double(range.upperBound) else {
            throw .invalidParameter(prefix + "Member must have value less than or equal to \(range.upperBound)")
        }
        return Int(double)
    }

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
