/// Comparison of secrets in time that depends only on their lengths, not their contents.
public enum ConstantTime {
    /// Whether `a` and `b` are equal; the time taken does not reveal where they differ.
    ///
    /// Collections of different lengths are never equal. The time taken depends on the length of
    /// `a` only (pass the untrusted value as `b`), never on where the bytes first differ.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        // A whole-width accumulator: a length difference can never truncate to zero.
        var difference: UInt = a.count == b.count ? 0 : 1
        var other = b.makeIterator()
        for x in a {
            // Past the end of `b`, compare with a byte that cannot make the result equal:
            // `difference` is already non-zero, so any value will do.
            let y = other.next() ?? ~x
            difference |= UInt(x ^ y)
        }
        return difference == 0
    }

    /// Whether two strings' UTF-8 bytes are equal, in constant time.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
