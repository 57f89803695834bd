public import Crypto
import GatehouseCore

/// The keys that seal what sessions keep (tokens at rest, the login cookie): the first key
/// seals, every key opens, so keys rotate by putting a new one first and dropping the old one
/// once its sessions have expired.
public struct SessionKeys: Sendable {
    /// The keys, sealing key first.
    public let keys: [SymmetricKey]

    /// Keys from raw 256-bit keys; at least one.
    public init(_ keys: [SymmetricKey]) {
        precondition(!keys.isEmpty && keys.allSatisfy { $0.bitCount == 256 }, "session keys are 256-bit and at least one")
        self.keys = keys
    }

    /// Keys from `GATEHOUSE_SESSION_KEYS`: comma-separated base64 (or base64url) of 32 bytes each.
    public init(parsing list: String) throws(SessionKeysError) {
        var keys: [SymmetricKey] = []
        for item in list.split(separator: ",") {
            let text = item.filter { $0 != " " && $0 != "\t" }
            guard let bytes = Base64URL.decodeEither(text), bytes.count == 32 else { throw SessionKeysError.malformed }
            keys.append(SymmetricKey(data: bytes))
        }
        guard !keys.isEmpty else { throw SessionKeysError.empty }
        self.keys = keys
    }

    /// A fresh random key, as `GATEHOUSE_SESSION_KEYS` spells it (base64url, 43 characters).
    public static func generateKeyText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode($0) }
    }

    /// `plaintext` sealed with the first key; `purpose` is bound in (a sealed login cookie does
    /// not open as a session record, nor the other way round).
    public func seal(_ plaintext: [UInt8], purpose: String) -> [UInt8] {
        // AES-GCM with a random 96-bit nonce only fails for keys of the wrong size, excluded above.
        let box = try! AES.GCM.seal(plaintext, using: keys[0], authenticating: Array(purpose.utf8))
        return Array(box.combined!)
    }

    /// The plaintext of `sealed`, or nil when no key opens it (tampered, another purpose, a
    /// retired key).
    public func open(_ sealed: [UInt8], purpose: String) -> [UInt8]? {
        guard sealed.count > 28, let box = try? AES.GCM.SealedBox(combined: sealed) else { return nil }
        for key in keys {
            if let plain = try? AES.GCM.open(box, using: key, authenticating: Array(purpose.utf8)) { return Array(plain) }
        }
        return nil
    }
}

/// `GATEHOUSE_SESSION_KEYS` could not be read.
public enum SessionKeysError: Error, Sendable, CustomStringConvertible {
    /// No key at all.
    case empty
    /// An item is not base64 of 32 bytes.
    case malformed

    public var description: String {
        switch self {
        case .empty: "no key given"
        case .malformed: "every key must be base64 of 32 random bytes (openssl rand -base64 32)"
        }
    }
}
