/// Single-flight refreshes: while one refresh of a session runs, every other request of that
/// session waits for it and gets its result instead of starting a second refresh grant.
actor RefreshFlights {
    private var flights: [String: Task<ActiveSession, any Error>] = [:]

    /// The result of the refresh of session `id` in flight, or of `work` started now.
    func run(id: String, _ work: @escaping @Sendable () async throws -> ActiveSession) async throws -> ActiveSession {
        if let flight = flights[id] { return try await flight.value }
        let flight = Task { try await work() }
        flights[id] = flight
        defer { flights[id] = nil }
        return try await flight.value
    }
}
