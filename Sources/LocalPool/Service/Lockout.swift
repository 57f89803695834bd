import Synchronization

/// The lockout rule: from the fifth failed password on, the user is locked out for a time that
/// doubles with each further failure (1 s, 2 s, 4 s, … up to 15 minutes).
enum Lockout {
    static let maximumFreeAttempts = 5
    static let lockedMessage = "Password attempts exceeded"

    /// When a user with `failures` counted attempts is locked out until, or nil when they are not.
    static func lockedUntil(failures: Int, now: Double) -> Double? {
        let excess = failures - maximumFreeAttempts
        guard excess >= 0 else { return nil }
        return now + min(900, Double(1 << min(excess, 10)))
    }
}

/// Lockout counters for usernames that do not exist, so that with `PreventUserExistenceErrors`
/// an unknown name is locked out exactly like a real one. In memory and bounded: a flood of
/// made-up names evicts the stale entries first, then everything.
final class PhantomLockouts: Sendable {
    private struct Entry {
        var failures: Int
        var lockedUntil: Double
        var lastAttempt: Double
    }

    static let capacity = 10_000
    private let entries = Mutex([String: Entry]())

    /// Counts an attempt for `key`; false when `key` is locked out (the attempt is refused).
    func countAttempt(key: String, now: Double) -> Bool {
        entries.withLock { entries in
            var entry = entries[key] ?? Entry(failures: 0, lockedUntil: 0, lastAttempt: now)
            guard entry.lockedUntil <= now else { return false }
            entry.failures += 1
            entry.lastAttempt = now
            if let until = Lockout.lockedUntil(failures: entry.failures, now: now) { entry.lockedUntil = until }
            if entries[key] == nil, entries.count >= Self.capacity {
                entries = entries.filter { $0.value.lockedUntil > now || now - $0.value.lastAttempt < 900 }
                if entries.count >= Self.capacity { entries.removeAll() }
            }
            entries[key] = entry
            return true
        }
    }
}
