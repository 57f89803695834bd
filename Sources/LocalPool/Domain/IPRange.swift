#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CIDR range of IPv4 or IPv6 addresses (`192.0.2.0/24`, `2001:db8::/32`), as risk
/// exceptions list them; an address alone is a range of one.
struct IPRange: Sendable, Equatable {
    /// The network's bytes (4 or 16).
    let network: [UInt8]
    /// How many leading bits must match.
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard (1...3).contains(parts[1].count), parts[1].allSatisfy({ ("0"..."9").contains($0) }), let length = Int(parts[1]),
                length <= bits
            else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        network = address
    }

    /// Whether `address` (an IPv4 or IPv6 address; an IPv4 address mapped into IPv6 counts as
    /// IPv4) is in the range.
    func contains(_ address: String) -> Bool {
        guard var bytes = Self.bytes(of: address) else { return false }
        if bytes.count == 16, network.count == 4, bytes.starts(with: [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF]) {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        var remaining = prefixLength
        for (index, byte) in bytes.enumerated() where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            guard byte & mask == network[index] & mask else { return false }
            remaining -= 8
        }
        return true
    }

    /// The bytes of an IPv4 (dotted) or IPv6 address, or nil.
    static func bytes(of text: String) -> [UInt8]? {
        guard text.utf8.count <= 45, !text.isEmpty, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
