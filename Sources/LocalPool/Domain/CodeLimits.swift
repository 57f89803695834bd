import GatehouseCore

/// How often one name may be sent a code, and how many wrong codes it may try, per purpose and
/// across codes: each code allows five wrong tries, and without these limits a fresh code at
/// every fifth try would let a script guess on without end. Past either limit the name is
/// refused with Cognito's `LimitExceededException` for a back-off window. Names that do not
/// exist are counted alike, so the limits say nothing about who exists.
enum CodeLimits {
    /// Seconds a window of counting lasts, and a block after a limit is reached.
    static let window: Double = 3600
    /// Codes a name may be sent per purpose and window.
    static let maximumIssued = 5
    /// Wrong codes a name may try per purpose and window, across codes.
    static let maximumFailures = 10
    /// Cognito's message.
    static let message = "Attempt limit exceeded, please try after some time."

    static var exceeded: LocalPoolError { LocalPoolError(.limitExceeded, message) }

    /// The counts as of `now`: a window that is over (and no block) starts again from nothing.
    static func current(_ stored: CodeThrottleRecord?, poolID: String, username: String, purpose: CodePurpose, now: Double) -> CodeThrottleRecord {
        if let stored, stored.blockedUntil > now || now < stored.windowStart + window { return stored }
        return CodeThrottleRecord(
            poolId: poolID,
            username: username,
            purpose: purpose.rawValue,
            windowStart: now,
            issued: 0,
            failures: 0,
            blockedUntil: 0
        )
    }

    /// Counts a code issued; false when the name may not be sent another now (then blocked).
    static func issue(_ throttle: inout CodeThrottleRecord, now: Double) -> Bool {
        guard throttle.blockedUntil <= now else { return false }
        guard throttle.issued < maximumIssued else {
            throttle.blockedUntil = now + window
            return false
        }
        throttle.issued += 1
        return true
    }

    /// Counts a wrong code; true when that was one too many (then blocked).
    static func fail(_ throttle: inout CodeThrottleRecord, now: Double) -> Bool {
        throttle.failures += 1
        guard throttle.failures >= maximumFailures else { return false }
        throttle.blockedUntil = now + window
        return true
    }

    /// Checks `code` against the name's `stored` code under `throttle` (updated for a wrong
    /// code): what it found, and the stored code as it is to be kept after a mismatch.
    static func check(
        _ code: String,
        against stored: UserCodeRecord?,
        throttle: inout CodeThrottleRecord,
        now: Double
    ) -> (CodeCheck, UserCodeRecord?) {
        guard throttle.blockedUntil <= now else { return (.blocked, nil) }
        guard var stored, stored.expiresAt > now else { return (.expired, nil) }
        if ConstantTime.equals(stored.code, code) { return (.accepted, nil) }
        let blocked = fail(&throttle, now: now)
        stored.failedAttempts += 1
        if blocked || stored.failedAttempts >= maximumAttemptsPerCode { return (.withdrawn, nil) }
        return (.mismatch, stored)
    }

    /// Wrong tries one code allows before it is withdrawn.
    static let maximumAttemptsPerCode = 5
}
