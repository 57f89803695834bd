/// A URL split into RFC 3986's five components (its Appendix B), without Foundation: each
/// component is found by scanning forward from where the one before it ended, so no index of
/// one delimiter is ever paired with another's. Nothing is decoded or normalised.
public struct URLReference: Sendable, Equatable {
    /// The scheme, lowercased (`https`), or nil for a relative reference.
    public let scheme: String?
    /// What follows `//` up to the path (`host[:port]`, user info included), or nil without `//`.
    public let authority: String?
    /// The path, as sent (may be empty).
    public let path: String
    /// What follows the first `?` before any `#`, or nil when there is no `?`.
    public let query: String?
    /// What follows the first `#`, or nil when there is none.
    public let fragment: String?

    /// Splits `text`: every string is some URL reference, so this cannot fail.
    public init(_ text: String) {
        var rest = Substring(text)
        // The fragment first: a `?` after a `#` belongs to the fragment, never to the query.
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        } else {
            fragment = nil
        }
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        } else {
            query = nil
        }
        // A scheme is letters, digits, `+`, `-`, `.` before a `:`, starting with a letter.
        if let colon = rest.firstIndex(of: ":"), colon != rest.startIndex, rest[..<colon].first!.isASCIILetter,
            rest[..<colon].allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == "+" || $0 == "-" || $0 == "." })
        {
            scheme = rest[..<colon].lowercased()
            rest = rest[rest.index(after: colon)...]
        } else {
            scheme = nil
        }
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
            authority = String(afterSlashes[..<end])
            rest = afterSlashes[end...]
        } else {
            authority = nil
        }
        path = String(rest)
    }

    /// Whether this and `other` name the same page: the same scheme and authority (both compared
    /// without case, as hosts are) and the same path byte for byte; query and fragment aside.
    public func isSamePage(as other: URLReference) -> Bool {
        scheme != nil && scheme == other.scheme && authority != nil
            && authority?.lowercased() == other.authority?.lowercased() && path == other.path
    }
}

extension Character {
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
