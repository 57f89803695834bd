import GatehouseCore

/// The upstream path of a proxied request: the upstream's base path and the rest of the request
/// path after the prefix, percent-encoding passed as sent. A rest whose dot-segments, raw or
/// percent-encoded (`..`, `%2e%2e`, `..%2f`, backslashes too), would climb above the base is
/// refused, and so is a malformed escape: no request ever reaches outside the base.
package enum ProxyPath {
    /// `base` + `rest`, or nil when `rest` would leave `base` (or cannot be read). `base` ends with `/`.
    package static func join(base: String, rest: Substring) -> String? {
        var depth = 0
        for raw in rest.split(separator: "/", omittingEmptySubsequences: false) {
            // What an upstream that decodes before it resolves dot-segments would see.
            guard let decoded = URLEncoding.decodePath(raw) else { return nil }
            for piece in decoded.split(whereSeparator: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }) {
                if piece.elementsEqual([0x2E, 0x2E]) {
                    depth -= 1
                    if depth < 0 { return nil }
                } else if !piece.elementsEqual([0x2E]) {
                    depth += 1
                }
            }
        }
        return base + rest
    }
}
