import Synchronization

/// Sessions in this process's memory: for tests and a single `gatehouse serve`; gone at restart.
public final class MemorySessionStore: SessionStore {
    private let records = Mutex<[String: SessionRecord]>([:])

    /// An empty store.
    public init() {}

    public func create(_ record: SessionRecord) async throws(SessionStoreError) {
        records.withLock { $0[record.id] = record }
    }

    public func read(id: String, now: Double) async throws(SessionStoreError) -> SessionRecord? {
        guard let record = records.withLock({ $0[id] }), !record.isExpired(at: now) else { return nil }
        return record
    }

    public func replace(_ record: SessionRecord, expectedVersion: Int) async throws(SessionStoreError) -> Bool {
        records.withLock { records in
            guard records[record.id]?.version == expectedVersion else { return false }
            records[record.id] = record
            return true
        }
    }

    public func delete(id: String) async throws(SessionStoreError) {
        _ = records.withLock { $0.removeValue(forKey: id) }
    }

    public func deleteAll(subject: String) async throws(SessionStoreError) -> Int {
        records.withLock { records in
            let ids = records.values.filter { $0.subject == subject }.map(\.id)
            for id in ids { records[id] = nil }
            return ids.count
        }
    }

    public func sweep(now: Double) async throws(SessionStoreError) -> Int {
        records.withLock { records in
            let ids = records.values.filter { $0.isExpired(at: now) }.map(\.id)
            for id in ids { records[id] = nil }
            return ids.count
        }
    }

    /// How many records are held (expired ones included until swept).
    public var count: Int { records.withLock { $0.count } }
}
