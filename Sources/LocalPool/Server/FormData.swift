import GatehouseCore

/// `application/x-www-form-urlencoded` bodies and query strings (`+` is a space, `%XX` decoded),
/// read by ``URLEncoding/query(_:)`` byte by byte, without Foundation (a token request is read on
/// every grant). A name given twice, or text that does not decode, makes the whole form
/// unreadable (RFC 6749 §3.1: parameters are not repeated). A pair holding a NUL anywhere is left
/// out: SQLite would cut `victim%00junk` at the NUL.
package enum FormData {
    /// The pairs of a form body or query string, or nil when it cannot be read.
    package static func parse(_ text: String) -> [String: String]? {
        guard let pairs = URLEncoding.query(text[...]) else { return nil }
        var form: [String: String] = [:]
        form.reserveCapacity(pairs.count)
        for (name, value) in pairs {
            guard form.updateValue(value, forKey: name) == nil else { return nil }
        }
        return form.filter { !$0.key.utf8.contains(0) && !$0.value.utf8.contains(0) }
    }

    /// Encodes `items` as a query string.
    static func encode(_ items: [(String, String)]) -> String {
        URLEncoding.form(items)
    }
}
