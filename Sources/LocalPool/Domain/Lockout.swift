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

    /// Counting an attempt on `user` at `now`: what it found, and the user to store when it
    /// was counted. A user who must reset the password, or is locked out, is refused uncounted.
    static func count(_ user: UserRecord, now: Double) -> (AttemptCount, UserRecord?) {
        guard user.status != .resetRequired else { return (.resetRequired(user), nil) }
        guard user.lockedUntil <= now else { return (.lockedOut(user), nil) }
        var counted = user
        counted.failedAttempts += 1
        if let until = lockedUntil(failures: counted.failedAttempts, now: now) { counted.lockedUntil = until }
        return (.counted(user), counted)
    }

    /// The counter of a name that does not exist after one more attempt at `now`, or nil when
    /// it is locked out (the attempt refused).
    static func countPhantom(_ stored: PhantomLockoutRecord?, poolID: String, username: String, now: Double) -> PhantomLockoutRecord? {
        var entry = stored ?? PhantomLockoutRecord(poolId: poolID, username: username, failures: 0, lockedUntil: 0, lastAttempt: now)
        guard entry.lockedUntil <= now else { return nil }
        entry.failures += 1
        entry.lastAttempt = now
        if let until = lockedUntil(failures: entry.failures, now: now) { entry.lockedUntil = until }
        return entry
    }
}
