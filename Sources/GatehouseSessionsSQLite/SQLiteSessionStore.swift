import Foundation
import GRDB
public import GatehouseSessions
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sessions in one SQLite file (WAL), for one `gatehouse serve` process: GRDB's async API, so
/// no query blocks an event loop, and the records this process wrote or read kept in memory
/// (bounded), so a request of a known session does not touch the file. Several processes must
/// not share one file (each would trust its own memory); the DynamoDB store is for that.
///
/// Another process may still change the file between requests (`gatehouse sessions revoke`):
/// it then touches the file's marker (``markChanged(path:)``), and this store, which looks at the
/// marker (one `stat`) before every read, forgets what it cached. So a revoked session is
/// refused from the very next request.
public final class SQLiteSessionStore: SessionStore {
    private let database: DatabasePool
    private let cache = Mutex<[String: SessionRecord]>([:])
    private let cacheCapacity: Int
    private let marker: String
    private let markerSeen = Mutex<MarkerStamp?>(nil)

    /// What `stat` says of the marker: any change means another process wrote.
    private struct MarkerStamp: Equatable {
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    /// The marker of the store at `path`, which other processes touch after changing the file.
    public static func markerPath(for path: String) -> String { path + "-changed" }

    /// Tells every process using the store at `path` that it changed: their cached records go.
    public static func markChanged(path: String) throws {
        let marker = markerPath(for: path)
        let stamp = Data("\(Date().timeIntervalSince1970) \(UInt64.random(in: 0 ... .max))\n".utf8)
        if !FileManager.default.fileExists(atPath: marker) {
            guard FileManager.default.createFile(atPath: marker, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw SessionStoreError("cannot create \(marker)")
            }
        }
        try stamp.write(to: URL(fileURLWithPath: marker))
    }

    /// Opens (creating and migrating) the store at `path`; the file is made private to its owner (0600).
    public init(path: String, cacheCapacity: Int = 10_000) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let manager = FileManager.default
        if !manager.fileExists(atPath: folder.path) {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw SessionStoreError("cannot create \(path)")
            }
        }
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
        self.cacheCapacity = cacheCapacity
        marker = Self.markerPath(for: path)
        markerSeen.withLock { $0 = Self.stamp(of: marker) }
    }

    /// Tells every process using this store's file that it changed (see ``markChanged(path:)``).
    public func markChanged() throws {
        try Self.markChanged(path: String(marker.dropLast("-changed".count)))
    }

    /// The marker's stamp, or nil while there is none.
    private static func stamp(of path: String) -> MarkerStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return MarkerStamp(inode: UInt64(info.st_ino), size: Int64(info.st_size), seconds: modified.tv_sec, nanoseconds: modified.tv_nsec)
    }

    /// Forgets every cached record when another process marked the file changed since last time.
    private func forgetIfChangedElsewhere() {
        let now = Self.stamp(of: marker)
        let changed = markerSeen.withLock { seen -> Bool in
            guard seen != now else { return false }
            seen = now
            return true
        }
        if changed { cache.withLock { $0.removeAll(keepingCapacity: true) } }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sessions") { db in
            try db.create(table: "session") { table in
                table.primaryKey("id", .text)
                table.column("subject", .text).notNull()
                table.column("username", .text).notNull()
                table.column("tokens", .blob).notNull()
                table.column("accessExpiresAt", .double).notNull()
                table.column("createdAt", .double).notNull()
                table.column("idleExpiresAt", .double).notNull()
                table.column("absoluteExpiresAt", .double).notNull()
                table.column("version", .integer).notNull()
            }
            try db.create(index: "session_subject", on: "session", columns: ["subject"])
            try db.create(index: "session_expiry", on: "session", columns: ["idleExpiresAt"])
        }
        migrator.registerMigration("v2-refresh-lease") { db in
            try db.alter(table: "session") { table in
                table.add(column: "refreshLeaseUntil", .double).notNull().defaults(to: 0)
            }
        }
        return migrator
    }

    public func create(_ record: SessionRecord) async throws(SessionStoreError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO session (id, subject, username, tokens, accessExpiresAt, createdAt, idleExpiresAt, absoluteExpiresAt,
                    version, refreshLeaseUntil) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: Self.arguments(record)
            )
        }
        remember(record)
    }

    public func read(id: String, now: Double) async throws(SessionStoreError) -> SessionRecord? {
        forgetIfChangedElsewhere()
        if let cached = cache.withLock({ $0[id] }) { return cached.isExpired(at: now) ? nil : cached }
        let record = try await readRow(id: id)
        guard let record else { return nil }
        remember(record)
        return record.isExpired(at: now) ? nil : record
    }

    public func replace(_ record: SessionRecord, expectedVersion: Int) async throws(SessionStoreError) -> Bool {
        let changed = try await write { db -> Bool in
            try db.execute(
                sql: """
                    UPDATE session SET subject = ?, username = ?, tokens = ?, accessExpiresAt = ?, createdAt = ?,
                    idleExpiresAt = ?, absoluteExpiresAt = ?, version = ?, refreshLeaseUntil = ? WHERE id = ? AND version = ?
                    """,
                arguments: [
                    record.subject, record.username, Data(record.sealedTokens), record.accessExpiresAt, record.createdAt,
                    record.idleExpiresAt, record.absoluteExpiresAt, record.version, record.refreshLeaseUntil, record.id, expectedVersion,
                ]
            )
            return db.changesCount == 1
        }
        if changed { remember(record) } else { forget(record.id) }
        return changed
    }

    public func delete(id: String) async throws(SessionStoreError) {
        forget(id)
        try await write { db in try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id]) }
    }

    public func deleteAll(subject: String) async throws(SessionStoreError) -> Int {
        let ids = try await write { db -> [String] in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM session WHERE subject = ?", arguments: [subject])
            try db.execute(sql: "DELETE FROM session WHERE subject = ?", arguments: [subject])
            return ids
        }
        for id in ids { forget(id) }
        return ids.count
    }

    public func sweep(now: Double) async throws(SessionStoreError) -> Int {
        let ids = try await write { db -> [String] in
            let condition = "idleExpiresAt <= ? OR absoluteExpiresAt <= ?"
            let ids = try String.fetchAll(db, sql: "SELECT id FROM session WHERE \(condition)", arguments: [now, now])
            try db.execute(sql: "DELETE FROM session WHERE \(condition)", arguments: [now, now])
            return ids
        }
        for id in ids { forget(id) }
        return ids.count
    }

    private func readRow(id: String) async throws(SessionStoreError) -> SessionRecord? {
        do {
            return try await database.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM session WHERE id = ?", arguments: [id]).map(Self.record)
            }
        } catch {
            throw SessionStoreError("\(error)")
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(SessionStoreError) -> T {
        do {
            return try await database.write(body)
        } catch {
            throw SessionStoreError("\(error)")
        }
    }

    private func remember(_ record: SessionRecord) {
        cache.withLock { cache in
            // Past capacity, start over: the file still has everything.
            if cache.count >= cacheCapacity, cache[record.id] == nil { cache.removeAll(keepingCapacity: true) }
            cache[record.id] = record
        }
    }

    private func forget(_ id: String) {
        _ = cache.withLock { $0.removeValue(forKey: id) }
    }

    private static func arguments(_ record: SessionRecord) -> StatementArguments {
        [
            record.id, record.subject, record.username, Data(record.sealedTokens), record.accessExpiresAt, record.createdAt,
            record.idleExpiresAt, record.absoluteExpiresAt, record.version, record.refreshLeaseUntil,
        ]
    }

    private static func record(_ row: Row) -> SessionRecord {
        SessionRecord(
            id: row["id"],
            subject: row["subject"],
            username: row["username"],
            sealedTokens: [UInt8](row["tokens"] as Data),
            accessExpiresAt: row["accessExpiresAt"],
            createdAt: row["createdAt"],
            idleExpiresAt: row["idleExpiresAt"],
            absoluteExpiresAt: row["absoluteExpiresAt"],
            version: row["version"],
            refreshLeaseUntil: row["refreshLeaseUntil"]
        )
    }
}
