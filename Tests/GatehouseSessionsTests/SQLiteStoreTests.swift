import Foundation
import GatehouseSessions
import GatehouseSessionsSQLite
import Testing

/// Issue 22, item 12: the SQLite store keeps records in memory; another process's change (the
/// `gatehouse sessions revoke` command) must still be seen from the very next read.
struct SQLiteStoreTests {
    @Test func aChangeMarkedByAnotherProcessIsSeenAtTheNextRead() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gh-sqlite-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sessions.sqlite3").path
        let serving = try SQLiteSessionStore(path: path)
        let revoking = try SQLiteSessionStore(path: path)
        try await serving.create(SessionStoreContractTests.record("a"))
        try await serving.create(SessionStoreContractTests.record("b", subject: "sub-2"))
        #expect(try await serving.read(id: "a", now: 1500) != nil)

        // Without the mark, the serving store's memory still answers (what the probe saw).
        #expect(try await revoking.deleteAll(subject: "sub-1") == 1)
        #expect(try await serving.read(id: "a", now: 1500) != nil)

        try revoking.markChanged()
        #expect(try await serving.read(id: "a", now: 1500) == nil)
        #expect(try await serving.read(id: "b", now: 1500) != nil)
        // The marker is private, like the store.
        let mode = try FileManager.default.attributesOfItem(atPath: SQLiteSessionStore.markerPath(for: path))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A second revocation is seen too (the marker changes every time).
        try await serving.create(SessionStoreContractTests.record("c"))
        #expect(try await serving.read(id: "c", now: 1500) != nil)
        _ = try await revoking.deleteAll(subject: "sub-1")
        try revoking.markChanged()
        #expect(try await serving.read(id: "c", now: 1500) == nil)
    }
}
