public import HTTPTypes
package import NIOCore

/// A request for an upstream, written straight to the wire: HTTP/1.1, the request line, `Host`,
/// the fields, and the body's framing. Field names and values are already legal (`HTTPFields`
/// turns illegal bytes into spaces), so no second validation pass is needed; the target is
/// checked here.
public struct UpstreamRequest: Sendable {
    /// How the body is framed.
    public enum Framing: Sendable, Equatable {
        /// No body and no length (GET, HEAD, …).
        case none
        /// `Content-Length` (0 for an empty body on a method that has one).
        case length(Int64)
        /// `Transfer-Encoding: chunked`.
        case chunked
    }

    /// The method.
    public var method: HTTPRequest.Method
    /// The path and query.
    public var target: String
    /// The upstream's `host[:port]`.
    public var host: String
    /// The header fields (without `Host`, `Content-Length` or `Transfer-Encoding`).
    public var fields: HTTPFields
    /// The framing.
    public var framing: Framing

    /// A request from its parts.
    public init(method: HTTPRequest.Method, target: String, host: String, fields: HTTPFields, framing: Framing) {
        self.method = method
        self.target = target
        self.host = host
        self.fields = fields
        self.framing = framing
    }

    /// Whether `target` is an origin-form target: `/`, then visible ASCII only (no spaces,
    /// controls or bytes past 0x7E that would split the request line).
    public static func isValidTarget(_ target: String) -> Bool {
        var bytes = target.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "/") else { return false }
        while let byte = bytes.next() {
            guard byte > 0x20, byte < 0x7F else { return false }
        }
        return true
    }

    /// Whether a body follows the head.
    package var hasBody: Bool {
        switch framing {
        case .none: false
        case .length(let length): length > 0
        case .chunked: true
        }
    }

    /// The head's bytes.
    package func head(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 512 + fields.count * 64)
        buffer.writeString(method.rawValue)
        buffer.writeStaticString(" ")
        buffer.writeString(target)
        buffer.writeStaticString(" HTTP/1.1\r\nHost: ")
        buffer.writeString(host)
        buffer.writeStaticString("\r\n")
        for field in fields {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        switch framing {
        case .none: break
        case .length(let length):
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(length))
            buffer.writeStaticString("\r\n")
        case .chunked:
            buffer.writeStaticString("Transfer-Encoding: chunked\r\n")
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }
}
