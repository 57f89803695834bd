import GatehouseCore

/// The credential of an `Authorization` header (RFC 6750): the edge reads it, the services only
/// ever see the token.
public enum BearerToken {
    /// The token in an `Authorization` header value: `Bearer <jwt>` or a bare `<jwt>`.
    public static func parse(_ header: String?) -> String? {
        guard var header else { return nil }
        // Scan UTF-8 bytes: a token is ~1 KB of ASCII, and Character-level work on it is costly.
        return header.withUTF8 { bytes -> String? in
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
            var start = 0
            var end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            let scheme: [UInt8] = Array("bearer".utf8)
            if end - start >= scheme.count, (0..<scheme.count).allSatisfy({ bytes[start + $0] | 0x20 == scheme[$0] }) {
                let afterScheme = start + scheme.count
                if afterScheme == end { return nil }  // "Bearer" alone
                if isSpace(bytes[afterScheme]) {
                    start = afterScheme
                    while start < end, isSpace(bytes[start]) { start += 1 }
                }
            }
            guard start < end else { return nil }
            let token = UnsafeBufferPointer(rebasing: bytes[start..<end])
            // A token holds no spaces or tabs.
            let raw = UnsafeRawBufferPointer(token)
            if raw.firstOffset(of: 0x20) != nil || raw.firstOffset(of: 0x09) != nil { return nil }
            return String(decoding: token, as: UTF8.self)
        }
    }
}
