/// What every request body must be before its operation decodes it: a JSON object (an empty
/// body counts as `{}`) with no NUL in any string. Checked on the bytes, so that the body is
/// parsed once, by the operation's own decoder (which refuses anything that is not JSON).
enum RequestBody {
    static func check(_ bytes: [UInt8]) throws(LocalPoolError) {
        guard !bytes.isEmpty else { return }
        guard bytes.first(where: { !isWhitespace($0) }) == UInt8(ascii: "{") else {
            throw LocalPoolError(.serialization, "The request body is not a JSON object.")
        }
        guard !containsEscapedNUL(bytes) else {
            throw .invalidParameter("1 validation error detected: a string in the request contains a NUL character")
        }
    }

    /// Whether a string (key or value) holds U+0000: SQLite would cut it there, so
    /// `victim\0junk` could be taken for `victim`. No Cognito parameter pattern allows it. In
    /// JSON a NUL can only be written `\u0000` (a raw control byte is not JSON at all), and that
    /// escape is a `u0000` after an odd run of backslashes (an even run is escaped backslashes).
    static func containsEscapedNUL(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            var run = 0
            while index < bytes.count, bytes[index] == UInt8(ascii: "\\") {
                run += 1
                index += 1
            }
            if run % 2 == 1, bytes[index...].starts(with: Array("u0000".utf8)) { return true }
        }
        return false
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
