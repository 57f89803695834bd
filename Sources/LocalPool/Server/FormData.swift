import Foundation
import Hummingbird

/// `application/x-www-form-urlencoded` bodies and query strings, decoded by Hummingbird's
/// `URLEncodedFormDecoder` (`+` is a space, `%XX` decoded). A name given twice, or text that does
/// not decode, makes the whole form unreadable (RFC 6749 §3.1: parameters are not repeated). A
/// pair holding a NUL anywhere is left out: SQLite would cut `victim%00junk` at the NUL.
package enum FormData {
    /// The pairs of a form body or query string, or nil when it cannot be read.
    package static func parse(_ text: String) -> [String: String]? {
        guard let pairs = try? URLEncodedFormDecoder().decode([String: String].self, from: text) else { return nil }
        return pairs.filter { !$0.key.utf8.contains(0) && !$0.value.utf8.contains(0) }
    }

    /// Encodes `items` as a query string.
    static func encode(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return items.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}
