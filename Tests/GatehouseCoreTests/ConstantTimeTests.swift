import GatehouseCore
import Testing

struct ConstantTimeTests {
    /// Lengths that differ by a multiple of 256 once truncated to a byte to zero (the old bug).
    @Test(arguments: [1, 255, 256, 257, 512, 1024])
    func unequalLengthsAreNeverEqual(_ extra: Int) {
        let secret = String(repeating: "Z", count: 32)
        let longer = String(repeating: "Z", count: 32 + extra)
        #expect(!ConstantTime.equals(secret, longer))
        #expect(!ConstantTime.equals(longer, secret))
        // The same secret as a prefix of the longer value: still unequal.
        #expect(!ConstantTime.equals(secret, secret + longer))
        #expect(!ConstantTime.equals(Array(secret.utf8), Array((secret + String(repeating: "\0", count: extra)).utf8)))
    }

    @Test func equalValuesAreEqual() {
        #expect(ConstantTime.equals("", ""))
        #expect(ConstantTime.equals("s3cr3t", "s3cr3t"))
        let long = String(repeating: "a1", count: 300)
        #expect(ConstantTime.equals(long, long))
    }

    @Test(arguments: [0, 1, 31, 255, 256, 511])
    func oneDifferentByteAnywhereIsUnequal(_ position: Int) {
        let a = [UInt8](repeating: 0x41, count: 512)
        var b = a
        b[position] ^= 0x01
        #expect(!ConstantTime.equals(a, b))
    }

    @Test func emptyAgainstNonEmptyIsUnequal() {
        #expect(!ConstantTime.equals("", "x"))
        #expect(!ConstantTime.equals("x", ""))
        #expect(!ConstantTime.equals("", String(repeating: "x", count: 256)))
    }
}
