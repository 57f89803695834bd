/// Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization requires.
///
/// Standard-alphabet characters (`+`, `/`), padding (`=`), whitespace and non-canonical
/// trailing bits are all rejected, so a token has exactly one valid spelling.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// Decodes base64url text; returns `nil` for anything that is not canonical base64url.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var text = String(text)
        return text.withUTF8 { decode(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Decodes base64url bytes; returns `nil` for anything that is not canonical base64url.
    public static func decode(bytes input: UnsafeRawBufferPointer) -> [UInt8]? {
        let count = input.count
        if count % 4 == 1 { return nil }
        let outputCount = count / 4 * 3 + max(0, count % 4 - 1)
        var valid = true
        let output = decodeTable.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
                var index = 0
                var out = 0
                var bad: UInt8 = 0
                while index + 4 <= count {
                    let a = table[Int(input[index])]
                    let b = table[Int(input[index + 1])]
                    let c = table[Int(input[index + 2])]
                    let d = table[Int(input[index + 3])]
                    bad |= a | b | c | d
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    buffer[out] = UInt8(truncatingIfNeeded: word >> 16)
                    buffer[out + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    buffer[out + 2] = UInt8(truncatingIfNeeded: word)
                    index += 4
                    out += 3
                }
                switch count - index {
                case 2:
                    let a = table[Int(input[index])]
                    let b = table[Int(input[index + 1])]
                    bad |= a | b
                    if b & 0x0F != 0 { valid = false }
                    buffer[out] = a << 2 | b >> 4
                case 3:
                    let a = table[Int(input[index])]
                    let b = table[Int(input[index + 1])]
                    let c = table[Int(input[index + 2])]
                    bad |= a | b | c
                    if c & 0x03 != 0 { valid = false }
                    buffer[out] = a << 2 | b >> 4
                    buffer[out + 1] = b << 4 | c >> 2
                default:
                    break
                }
                if bad & 0xC0 != 0 { valid = false }
                // Every byte is written even when the input is invalid, so the buffer is fully initialized.
                initialized = outputCount
            }
        }
        return valid ? output : nil
    }

    /// Encodes bytes as base64url without padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let bytes = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let word = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(word >> 18 & 0x3F)])
            output.append(alphabet[Int(word >> 12 & 0x3F)])
            output.append(alphabet[Int(word >> 6 & 0x3F)])
            output.append(alphabet[Int(word & 0x3F)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let word = UInt32(bytes[index]) << 16
            output.append(alphabet[Int(word >> 18 & 0x3F)])
            output.append(alphabet[Int(word >> 12 & 0x3F)])
        case 2:
            let word = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int(word >> 18 & 0x3F)])
            output.append(alphabet[Int(word >> 12 & 0x3F)])
            output.append(alphabet[Int(word >> 6 & 0x3F)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Encodes bytes as standard base64 (RFC 4648 §4: `+`, `/`, padded), as Basic auth and
    /// DynamoDB's binary values spell it.
    public static func encodeStandard(_ bytes: some Sequence<UInt8>) -> String {
        var text = encode(bytes).replacing("-", with: "+").replacing("_", with: "/")
        while text.utf8.count % 4 != 0 { text += "=" }
        return text
    }

    /// Decodes standard or URL-safe base64, padded or not; nil when it is neither.
    public static func decodeEither(_ text: some StringProtocol) -> [UInt8]? {
        decode(String(text).replacing("+", with: "-").replacing("/", with: "_").filter { $0 != "=" })
    }
}
