/// Where sessions live: narrow on purpose, so another engine (DynamoDB) slots in without
/// touching callers. Every read checks expiry itself (a store may delete expired records late,
/// or never).
public protocol SessionStore: Sendable {
    /// Stores a new record; its id is new (a random cookie value's hash).
    func create(_ record: SessionRecord) async throws(SessionStoreError)
    /// The record `id`, or nil when there is none or it is expired at `now`.
    func read(id: String, now: Double) async throws(SessionStoreError) -> SessionRecord?
    /// Replaces the record if the stored one still has `expectedVersion`; false when another
    /// writer got there first or the record is gone.
    func replace(_ record: SessionRecord, expectedVersion: Int) async throws(SessionStoreError) -> Bool
    /// Deletes the record `id` (nothing when there is none).
    func delete(id: String) async throws(SessionStoreError)
    /// Deletes every session of `subject`; returns how many there were.
    func deleteAll(subject: String) async throws(SessionStoreError) -> Int
    /// Deletes records expired at `now`; returns how many.
    func sweep(now: Double) async throws(SessionStoreError) -> Int
}

/// A store failed (the database is unreadable, full, or unreachable).
public struct SessionStoreError: Error, Sendable, CustomStringConvertible {
    /// What happened, for the logs.
    public let detail: String

    /// An error with `detail`.
    public init(_ detail: String) {
        self.detail = detail
    }

    public var description: String { "session store: \(detail)" }
}
