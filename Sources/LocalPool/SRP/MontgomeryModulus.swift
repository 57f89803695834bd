import CGatehouseMontgomery

/// Arithmetic modulo a large odd number, in Montgomery form on little-endian 64-bit limbs: what
/// SRP needs (products and powers modulo Cognito's 3072-bit prime) and nothing more.
///
/// Numbers are arrays of exactly `count` limbs, each below the modulus. The power runs in
/// constant time for a given exponent length (a fixed 4-bit window, every table entry read at
/// every step), so the server's secret exponent does not show in its timing.
struct MontgomeryModulus: Sendable {
    /// The modulus's limbs, least significant first.
    let modulus: [UInt64]
    /// How many limbs every number has.
    let count: Int
    /// -modulus⁻¹ mod 2⁶⁴.
    private let inverse: UInt64
    /// R² mod modulus, R = 2^(64·count): converts into Montgomery form.
    private let rSquared: [UInt64]
    /// 1 in Montgomery form (R mod modulus).
    private let montgomeryOne: [UInt64]

    /// The modulus given as big-endian bytes; it must be odd and above 1.
    init(bigEndian bytes: [UInt8]) {
        let limbs = Self.limbs(bigEndian: bytes)
        precondition(limbs.first.map { $0 & 1 == 1 } ?? false, "a Montgomery modulus is odd")
        modulus = limbs
        count = limbs.count
        // Newton's iteration doubles the correct low bits each time: 1 → 64 in six steps.
        var inverse: UInt64 = 1
        for _ in 0..<6 { inverse = inverse &* (2 &- limbs[0] &* inverse) }
        self.inverse = 0 &- inverse
        // 1 doubled 2·64·count times, reduced as it goes: R² mod modulus.
        var value = [UInt64](repeating: 0, count: limbs.count)
        value[0] = 1
        var r: [UInt64] = []
        for step in 1...(2 * 64 * limbs.count) {
            var carry: UInt64 = 0
            for index in 0..<value.count {
                let next = value[index] >> 63
                value[index] = value[index] << 1 | carry
                carry = next
            }
            Self.reduceOnce(&value, overflow: carry, modulus: limbs)
            if step == 64 * limbs.count { r = value }
        }
        rSquared = value
        montgomeryOne = r
    }

    /// `bytes` (big-endian, any length) as limbs, least significant first, without padding.
    static func limbs(bigEndian bytes: [UInt8]) -> [UInt64] {
        var limbs = [UInt64](repeating: 0, count: (bytes.count + 7) / 8)
        for (offset, byte) in bytes.reversed().enumerated() {
            limbs[offset / 8] |= UInt64(byte) << (8 * UInt64(offset % 8))
        }
        while limbs.count > 1, limbs.last == 0 { limbs.removeLast() }
        return limbs
    }

    /// `bytes` as a number below the modulus, or nil when it is not below it.
    func number(bigEndian bytes: [UInt8]) -> [UInt64]? {
        var limbs = Self.limbs(bigEndian: bytes)
        guard limbs.count <= count else { return nil }
        limbs += [UInt64](repeating: 0, count: count - limbs.count)
        return Self.isBelow(limbs, modulus) ? limbs : nil
    }

    /// `number` as big-endian bytes without leading zeros (one zero byte for zero).
    func bytes(_ number: [UInt64]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(number.count * 8)
        for limb in number.reversed() {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift))) }
        }
        let first = bytes.firstIndex { $0 != 0 } ?? bytes.count - 1
        return Array(bytes[first...])
    }

    /// Whether `number` is zero.
    func isZero(_ number: [UInt64]) -> Bool { number.allSatisfy { $0 == 0 } }

    /// a·b mod modulus, for plain (not Montgomery) `a` and `b`.
    func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        // (a·R)·b·R⁻¹ = a·b.
        montgomeryProduct(montgomeryProduct(a, rSquared), b)
    }

    /// a + b mod modulus.
    func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var sum = [UInt64](repeating: 0, count: count)
        var carry = false
        for index in 0..<count {
            let (partial, overflow1) = a[index].addingReportingOverflow(b[index])
            let (total, overflow2) = partial.addingReportingOverflow(carry ? 1 : 0)
            sum[index] = total
            carry = overflow1 || overflow2
        }
        Self.reduceOnce(&sum, overflow: carry ? 1 : 0, modulus: modulus)
        return sum
    }

    /// base^exponent mod modulus, `exponent` given as big-endian bytes.
    func power(_ base: [UInt64], exponent: [UInt8]) -> [UInt64] {
        let count = self.count
        let montgomeryBase = montgomeryProduct(base, rSquared)
        var one = [UInt64](repeating: 0, count: count)
        one[0] = 1
        // table[i] = base^i in Montgomery form, entry after entry in one buffer.
        var table = [UInt64](repeating: 0, count: 16 * count)
        var result = montgomeryOne
        var entry = [UInt64](repeating: 0, count: count)
        var product = [UInt64](repeating: 0, count: count)
        var scratch = [UInt64](repeating: 0, count: count + 2)
        table.withUnsafeMutableBufferPointer { table in
            result.withUnsafeMutableBufferPointer { result in
                entry.withUnsafeMutableBufferPointer { entry in
                    product.withUnsafeMutableBufferPointer { product in
                        scratch.withUnsafeMutableBufferPointer { scratch in
                            let table = table.baseAddress!
                            let result = result.baseAddress!
                            let entry = entry.baseAddress!
                            let product = product.baseAddress!
                            let scratch = scratch.baseAddress!
                            func multiply(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, into target: UnsafeMutablePointer<UInt64>) {
                                self.multiply(a, b, into: target, scratch: scratch)
                            }
                            for limb in 0..<count {
                                table[limb] = montgomeryOne[limb]
                                table[count + limb] = montgomeryBase[limb]
                            }
                            for index in 2..<16 {
                                multiply(table + (index - 1) * count, table + count, into: table + index * count)
                            }
                            for byte in exponent {
                                for window in [Int(byte >> 4), Int(byte & 0x0F)] {
                                    for _ in 0..<4 {
                                        multiply(result, result, into: product)
                                        result.update(from: product, count: count)
                                    }
                                    // Read every entry, keep the wanted one: no secret-dependent memory access.
                                    entry.update(repeating: 0, count: count)
                                    for index in 0..<16 {
                                        let mask: UInt64 = 0 &- UInt64(index == window ? 1 : 0)
                                        let row = table + index * count
                                        for limb in 0..<count { entry[limb] |= row[limb] & mask }
                                    }
                                    multiply(result, entry, into: product)
                                    result.update(from: product, count: count)
                                }
                            }
                            one.withUnsafeBufferPointer { one in
                                multiply(result, one.baseAddress!, into: product)
                            }
                            result.update(from: product, count: count)
                        }
                    }
                }
            }
        }
        return result
    }

    /// a·b·R⁻¹ mod modulus, for a, b below the modulus.
    private func montgomeryProduct(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: count)
        var scratch = [UInt64](repeating: 0, count: count + 2)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { result in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        multiply(a.baseAddress!, b.baseAddress!, into: result.baseAddress!, scratch: scratch.baseAddress!)
                    }
                }
            }
        }
        return result
    }

    /// target = a·b·R⁻¹ mod modulus, for a, b below the modulus; `scratch` holds count + 2 limbs,
    /// and `target` is neither `a` nor `b` (the loop is C: see CGatehouseMontgomery).
    private func multiply(
        _ a: UnsafePointer<UInt64>,
        _ b: UnsafePointer<UInt64>,
        into target: UnsafeMutablePointer<UInt64>,
        scratch: UnsafeMutablePointer<UInt64>
    ) {
        modulus.withUnsafeBufferPointer { m in
            gatehouse_montgomery_multiply(a, b, m.baseAddress!, inverse, count, scratch, target)
        }
    }

    /// Subtracts `modulus` from `value` (with `overflow` as its limb above the top) when it is
    /// not below it; the value must be below twice the modulus. No branch on the value.
    private static func reduceOnce(_ value: inout [UInt64], overflow: UInt64, modulus: [UInt64]) {
        var difference = value
        var borrow: UInt64 = 0
        for index in 0..<value.count {
            let (partial, borrow1) = value[index].subtractingReportingOverflow(modulus[index])
            let (result, borrow2) = partial.subtractingReportingOverflow(borrow)
            difference[index] = result
            borrow = (borrow1 ? 1 : 0) | (borrow2 ? 1 : 0)
        }
        // Keep the difference unless it borrowed past the overflow limb.
        let keepDifference: UInt64 = (overflow >= borrow) ? .max : 0
        for index in 0..<value.count { value[index] = (difference[index] & keepDifference) | (value[index] & ~keepDifference) }
    }

    /// Whether `a` < `b`, both `count` limbs long.
    private static func isBelow(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        for index in stride(from: a.count - 1, through: 0, by: -1) where a[index] != b[index] {
            return a[index] < b[index]
        }
        return false
    }
}
