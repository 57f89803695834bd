extension MemoryPoolStore: AuthEventRepository {
    func record(_ event: AuthEventRecord) async throws {
        try transaction { tables in
            let key = Key(poolID: event.poolId, name: event.username)
            guard tables.users[key] != nil else { return }
            var events = tables.authEvents[key] ?? []
            events.append(event)
            tables.authEvents[key] = Array(events.suffix(AuthEventRecord.keptPerUser))
        }
    }

    func authEvents(poolID: String, username: String) async throws -> [AuthEventRecord] {
        try transaction { tables in (tables.authEvents[Key(poolID: poolID, name: username)] ?? []).reversed() }
    }

    func setFeedback(_ feedback: AuthEventRecord.Feedback, poolID: String, username: String, id: String) async throws -> Bool {
        try transaction { tables in
            let key = Key(poolID: poolID, name: username)
            guard let index = tables.authEvents[key]?.firstIndex(where: { $0.eventId == id }) else { return false }
            tables.authEvents[key]?[index].feedback = feedback
            return true
        }
    }
}
