/// The lockout rule: from the fifth failed password on, the user is locked out for a time that
/// doubles with each further failure (1 s, 2 s, 4 s, … up to 15 minutes).
enum Lockout {
    static let maximumFreeAttempts = 5
    static let lockedMessage = "Password attempts exceeded"
    /// Seconds after its last attempt a counter of a name that does not exist is kept (past the
    /// longest lockout).
    static let memory: Double = 900

    /// When a user with `failures` counted attempts is locked out until, or nil when they are not.
    static func lockedUntil(failures: Int, now: Double) -> Double? {
        let excess = failures - maximumFreeAttempts
        guard excess >= 0 else { return nil }
        return now + min(900, Double(1 << min(excess, 10)))
    }
}
