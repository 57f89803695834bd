/// Comparison of secrets in time that depends only on their lengths, not their contents.
public enum ConstantTime {
    /// Whether `a` and `b` are equal; the time taken does not reveal where they differ.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        if a.count == b.count {
            for (x, y) in zip(a, b) { difference |= x ^ y }
        } else {
            for x in a { difference |= x ^ x }
        }
        return difference == 0
    }

    /// Whether two strings' UTF-8 bytes are equal, in constant time.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
