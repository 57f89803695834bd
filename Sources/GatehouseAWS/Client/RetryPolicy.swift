/// When and how long to wait before retrying an AWS call: the SDKs' standard mode.
///
/// Up to ``maximumAttempts`` attempts; before attempt *n+1* the client sleeps a random time
/// in `[0, min(baseDelay * 2^n, maximumDelay))` (full jitter), as long as the call's deadline allows.
public struct RetryPolicy: Sendable {
    /// Attempts in all, including the first.
    public var maximumAttempts: Int
    /// Seconds; the first retry waits up to this long.
    public var baseDelay: Double
    /// Seconds; no wait is longer.
    public var maximumDelay: Double
    private let random: @Sendable () -> Double

    /// A policy; `random` returns values in `[0, 1)` and is injectable for tests.
    public init(
        maximumAttempts: Int = 3,
        baseDelay: Double = 0.1,
        maximumDelay: Double = 20,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.random = random
    }

    /// Seconds to wait after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int) -> Double {
        let exponent = Double(1 << min(attempt - 1, 30))
        return random() * min(baseDelay * exponent, maximumDelay)
    }
}
