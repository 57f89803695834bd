import GatehouseCore

/// Random identifiers shaped like Cognito's, so format checks in verifiers and SDKs pass.
package enum Identifiers {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    private static let lowercaseAlphanumerics = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    private static func random(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// `{region}_` + 9 alphanumerics, like `us-east-1_AbCdEf123`.
    static func poolID(region: String) -> String { "\(region)_\(random(9, from: alphanumerics))" }

    /// 26 lowercase alphanumerics, like a real app client id.
    static func clientID() -> String { random(26, from: lowercaseAlphanumerics) }

    /// 51 lowercase alphanumerics, like a real client secret.
    static func clientSecret() -> String { random(51, from: lowercaseAlphanumerics) }

    /// A lowercase random (version 4) UUID (subs, jti, event ids), written out here rather than
    /// through Foundation's formatter: every token carries one.
    package static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x4000
        let low = generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        let hex = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, word) in [high, low].enumerated() {
            for nibble in 0..<16 {
                let position = index * 16 + nibble
                if position == 8 || position == 12 || position == 16 || position == 20 { text.append(UInt8(ascii: "-")) }
                text.append(hex[Int(word >> UInt64(60 - nibble * 4) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The ten characters after `import-` in a user import job's id.
    static func importJobSuffix() -> String { random(10, from: alphanumerics) }

    /// An opaque random token of `bytes` random bytes, base64url.
    static func opaque(bytes: Int = 48) -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

/// Cognito's input patterns, checked before a value reaches storage (SQLite would cut a string at
/// its first NUL, so `victim\0junk` must never be looked up as `victim`).
enum InputPatterns {
    /// Cognito's username pattern `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, 1 to 128 characters: letters,
    /// marks, symbols, numbers and punctuation; no spaces, control, format (bidi) or unassigned
    /// characters.
    static func isUsername(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= 128 else { return false }
        return scalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .nonspacingMark, .spacingMark, .enclosingMark,
                .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
                .decimalNumber, .letterNumber, .otherNumber,
                .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                .initialPunctuation, .finalPunctuation, .otherPunctuation:
                return true
            default:
                return false
            }
        }
    }

    /// A user pool id: `[\w-]+_[0-9a-zA-Z]+`, at most 55 characters.
    static func isPoolID(_ text: String) -> Bool {
        guard text.utf8.count <= 55, let separator = text.lastIndex(of: "_") else { return false }
        let region = text[..<separator]
        let suffix = text[text.index(after: separator)...]
        return !region.isEmpty && !suffix.isEmpty
            && region.unicodeScalars.allSatisfy { isWordASCII($0) || $0 == "-" || $0 == "_" }
            && suffix.unicodeScalars.allSatisfy { $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    /// An app client id: `[\w+]+`, at most 128 characters.
    static func isClientID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128 && text.unicodeScalars.allSatisfy { isWordASCII($0) || $0 == "+" }
    }

    /// A device key: `[\w-]+_[0-9a-f-]+`, at most 55 characters.
    static func isDeviceKey(_ text: String) -> Bool {
        guard text.utf8.count <= 55, let separator = text.firstIndex(of: "_") else { return false }
        let region = text[..<separator]
        let suffix = text[text.index(after: separator)...]
        return !region.isEmpty && !suffix.isEmpty && region.unicodeScalars.allSatisfy { isWordASCII($0) || $0 == "-" }
            && suffix.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) || $0 == "-" }
    }

    /// A host name (a WebAuthn relying party id): dot-separated labels of ASCII letters, digits
    /// and inner hyphens, each 1 to 63 characters, 253 in all (`localhost` included).
    static func isDomainName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }

    static func isWordASCII(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }
}
