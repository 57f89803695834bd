/// Lowercase hexadecimal, the one encoder every part uses (digests as stored, SigV4's hashes,
/// request ids, SRP numbers, JSON's `\u00XX` escapes).
public enum Hex {
    /// The sixteen digits, lowercase.
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex, two digits each.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
