import Foundation

/// What every request body must be before its operation decodes it: a JSON object (an empty
/// body counts as `{}`) with no NUL in any string.
enum RequestBody {
    static func check(_ bytes: [UInt8]) throws(LocalPoolError) {
        guard !bytes.isEmpty else { return }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw LocalPoolError(.serialization, "The request body is not a JSON object.")
        }
        guard !containsNUL(object) else {
            throw .invalidParameter("1 validation error detected: a string in the request contains a NUL character")
        }
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
}
