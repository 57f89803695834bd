import GatehouseCore

/// A user's sign-in events and the feedback on them.
extension ThreatProtection {
    /// AdminListUserAuthEvents: the user's events, newest first.
    public func events(poolID: String, username: String) async throws(LocalPoolError) -> [AuthEventRecord] {
        try await requireAddOn(poolID)
        let user = try await existing(poolID: poolID, username: username)
        return try await context.store { try await context.storage.authEvents.authEvents(poolID: poolID, username: user.username) }
    }

    /// AdminUpdateAuthEventFeedback (`token` nil: an admin's) and UpdateAuthEventFeedback (the
    /// token of the event's notification email, checked in constant time).
    public func setFeedback(poolID: String, username: String, eventID: String, value: String, token: String?) async throws(LocalPoolError) {
        guard ["Valid", "Invalid"].contains(value) else { throw .invalidParameter("FeedbackValue must be Valid or Invalid.") }
        try await requireAddOn(poolID)
        let user = try await existing(poolID: poolID, username: username)
        let events = try await context.store { try await context.storage.authEvents.authEvents(poolID: poolID, username: user.username) }
        guard let event = events.first(where: { $0.eventId == eventID }) else {
            throw .resourceNotFound("Auth event \(eventID.prefix(50)) does not exist.")
        }
        if let token {
            guard ConstantTime.equals(Array(event.feedbackTokenHash.utf8), Array(PoolContext.hash(token).utf8)) else {
                throw .notAuthorized("Invalid feedback token.")
            }
        }
        let feedback = AuthEventRecord.Feedback(value: value, provider: token == nil ? "Admin" : "User", date: context.clock.now())
        _ = try await context.store {
            try await context.storage.authEvents.setFeedback(feedback, poolID: poolID, username: user.username, id: eventID)
        }
    }

    private func existing(poolID: String, username: String) async throws(LocalPoolError) -> UserRecord {
        guard InputPatterns.isUsername(username),
            let user = try await context.store({ try await context.storage.users.user(poolID: poolID, name: username) })
        else { throw .userNotFound() }
        return user
    }
}
