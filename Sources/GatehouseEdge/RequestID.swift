import GatehouseCore
public import HTTPTypes
public import Hummingbird
public import Logging
import Synchronization

/// Request ids: the caller's `X-Request-Id` when it is sane, else a new one.
public enum RequestID {
    /// The header carrying the id.
    public static let header = HTTPField.Name("X-Request-Id")!

    /// Puts the request's id in `context` and its log metadata. An id already in the context
    /// (the Lambda request id) is kept.
    @inlinable
    static func assign(from request: Request, to context: inout some EdgeRequestContext) {
        let id = !context.requestID.isEmpty ? context.requestID : request.headers[header].flatMap { isSane($0) ? $0 : nil } ?? make()
        context.requestID = id
        context.logger[metadataKey: "gatehouse.request_id"] = .string(id)
    }

    /// 1–128 characters of letters, digits, `-`, `_`, `.`, `:`.
    @usableFromInline
    static func isSane(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: ":")
            }
    }

    /// A random per-process prefix and a counter: unique, and no system call per request.
    @usableFromInline
    static func make() -> String {
        let number = counter.add(1, ordering: .relaxed).newValue
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for word in [processPrefix, number] {
            for shift in stride(from: 60, through: 0, by: -4) {
                bytes.append(Hex.digits[Int(word >> UInt64(shift) & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let processPrefix = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)
}
