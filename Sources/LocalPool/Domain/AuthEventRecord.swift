/// A sign-in as threat protection records it (AdminListUserAuthEvents): when, from where,
/// through which client, how it ended, and the feedback on it.
public struct AuthEventRecord: Codable, Sendable, Equatable {
    /// `EventId`: a UUID.
    public var eventId: String
    /// The pool.
    public var poolId: String
    /// The user.
    public var username: String
    /// `EventType`: `SignIn`.
    public var eventType: String
    /// `EventResponse`: `Pass` or `Fail`.
    public var response: String
    /// `EventRisk.RiskDecision`: `NoRisk`, or `Block` for an address the pool blocks.
    public var riskDecision: String
    /// `ChallengeResponses`: each step's name (`Password`, `Mfa`) and result (`Success`, `Failure`).
    public var challenges: [Challenge]
    /// The app client.
    public var clientId: String?
    /// The address the sign-in came from.
    public var ipAddress: String?
    /// When (seconds since 1970).
    public var createdAt: Double
    /// The SHA-256 of the feedback token (hex), which the user's notification email carries.
    public var feedbackTokenHash: String
    /// `EventFeedback`, once given.
    public var feedback: Feedback?

    /// One step of the sign-in.
    public struct Challenge: Codable, Sendable, Equatable {
        /// `Password` or `Mfa`.
        public var name: String
        /// `Success` or `Failure`.
        public var response: String
    }

    /// `EventFeedbackType`.
    public struct Feedback: Codable, Sendable, Equatable {
        /// `Valid` or `Invalid`.
        public var value: String
        /// `Admin` (AdminUpdateAuthEventFeedback) or `User` (the email's token).
        public var provider: String
        /// When it was given.
        public var date: Double
    }

    /// The newest events kept per user.
    static let keptPerUser = 100
}
