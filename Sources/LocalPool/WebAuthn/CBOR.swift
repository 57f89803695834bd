/// A CBOR data item (RFC 8949), as WebAuthn's attestation objects and COSE keys use them.
package enum CBOR: Sendable, Equatable {
    /// A non-negative integer (major type 0).
    case unsigned(UInt64)
    /// A negative integer -1 - n (major type 1); `n` is stored.
    case negative(UInt64)
    /// A byte string.
    case bytes([UInt8])
    /// A text string.
    case text(String)
    /// An array.
    case array([CBOR])
    /// A map, its pairs in the order they came.
    case map([Pair])
    /// A tagged item (major type 6).
    indirect case tagged(UInt64, CBOR)
    /// `true` or `false`.
    case bool(Bool)
    /// `null` or `undefined`.
    case null
    /// A floating-point number (half, single or double).
    case float(Double)

    /// A map's key and value.
    package struct Pair: Sendable, Equatable {
        package let key: CBOR
        package let value: CBOR
    }

    /// Why bytes are not one well-formed item.
    package struct Malformed: Error, Equatable {
        package let reason: String
    }

    /// The value under `key` in a map (integer keys given as `Int`).
    subscript(key: Int) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key.integer == key }?.value
    }

    /// The value under the text key `key` in a map.
    subscript(key: String) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == .text(key) }?.value
    }

    /// The integer, when this is one that fits an `Int`.
    var integer: Int? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int.max) ? Int(value) : nil
        case .negative(let value): value < UInt64(Int.max) ? -1 - Int(value) : nil
        default: nil
        }
    }

    /// The bytes, when this is a byte string.
    var byteString: [UInt8]? {
        if case .bytes(let bytes) = self { bytes } else { nil }
    }

    /// The text, when this is a text string.
    var textString: String? {
        if case .text(let text) = self { text } else { nil }
    }

    /// The one item `bytes` hold, all of them.
    package static func decode(_ bytes: [UInt8]) throws(Malformed) -> CBOR {
        let (item, used) = try decodePrefix(bytes[...])
        guard used == bytes.count else { throw Malformed(reason: "bytes after the item") }
        return item
    }

    /// The first item of `bytes` and how many bytes it took (an authenticator's data carries a
    /// COSE key and then its extensions).
    package static func decodePrefix(_ bytes: ArraySlice<UInt8>) throws(Malformed) -> (CBOR, Int) {
        var reader = Reader(bytes: bytes)
        let item = try reader.item(depth: 0)
        return (item, reader.offset - bytes.startIndex)
    }

    /// Nesting deeper than this is refused (WebAuthn's structures are a few levels deep).
    static let maximumDepth = 16
    /// Items (array entries, map pairs) per container at most.
    static let maximumCount = 1024

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var offset: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            offset = bytes.startIndex
        }

        mutating func byte() throws(Malformed) -> UInt8 {
            guard offset < bytes.endIndex else { throw Malformed(reason: "truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ count: UInt64) throws(Malformed) -> [UInt8] {
            guard count <= UInt64(bytes.endIndex - offset) else { throw Malformed(reason: "truncated") }
            let end = offset + Int(count)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }

        /// The argument of an item's head: its additional information, or the 1, 2, 4 or 8
        /// bytes after it. Indefinite lengths (31) are refused: WebAuthn's encoding is canonical.
        mutating func argument(_ info: UInt8) throws(Malformed) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24...27:
                let count = 1 << (info - 24)
                return try take(UInt64(count)).reduce(0) { $0 << 8 | UInt64($1) }
            default: throw Malformed(reason: "reserved or indefinite length")
            }
        }

        mutating func item(depth: Int) throws(Malformed) -> CBOR {
            guard depth <= CBOR.maximumDepth else { throw Malformed(reason: "nested too deeply") }
            let head = try byte()
            let major = head >> 5
            let info = head & 0x1f
            if major == 7 { return try simple(info) }
            let argument = try argument(info)
            switch major {
            case 0: return .unsigned(argument)
            case 1: return .negative(argument)
            case 2: return .bytes(try take(argument))
            case 3:
                guard let text = String(validating: try take(argument), as: UTF8.self) else { throw Malformed(reason: "text is not UTF-8") }
                return .text(text)
            case 4:
                guard argument <= UInt64(CBOR.maximumCount) else { throw Malformed(reason: "too many items") }
                var items: [CBOR] = []
                for _ in 0..<argument { items.append(try item(depth: depth + 1)) }
                return .array(items)
            case 5:
                guard argument <= UInt64(CBOR.maximumCount) else { throw Malformed(reason: "too many items") }
                var pairs: [Pair] = []
                for _ in 0..<argument {
                    let key = try item(depth: depth + 1)
                    guard !pairs.contains(where: { $0.key == key }) else { throw Malformed(reason: "duplicate map key") }
                    pairs.append(Pair(key: key, value: try item(depth: depth + 1)))
                }
                return .map(pairs)
            default:
                return .tagged(argument, try item(depth: depth + 1))
            }
        }

        mutating func simple(_ info: UInt8) throws(Malformed) -> CBOR {
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22, 23: return .null
            case 25:
                let bits = UInt16(try argument(25))
                return .float(Double(Float16(bitPattern: bits)))
            case 26: return .float(Double(Float(bitPattern: UInt32(try argument(26)))))
            case 27: return .float(Double(bitPattern: try argument(27)))
            default: throw Malformed(reason: "unsupported simple value")
            }
        }
    }
}
