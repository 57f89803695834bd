import Foundation
import GRDB

/// The pool's state in its SQLite file: every repository over one GRDB connection pool. GRDB's
/// async API: the caller suspends while SQLite works on GRDB's own threads, so no database call
/// blocks the event loop or cooperative thread it was made from.
final class GRDBPoolStore: Sendable {
    let database: PoolDatabase
    private let counter: TransactionCounter

    init(database: PoolDatabase, counter: TransactionCounter) {
        self.database = database
        self.counter = counter
    }

    /// Runs `body` in a read transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        counter.begin()
        do {
            return try await database.writer.read(body)
        } catch let error as Passthrough {
            throw error.error
        } catch let error as LocalPoolError {
            throw error
        } catch {
            throw StorageError(description: "\(error)")
        }
    }

    /// Runs `body` in a write transaction (all or nothing).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        counter.begin()
        do {
            return try await database.writer.write(body)
        } catch let error as Passthrough {
            throw error.error
        } catch let error as LocalPoolError {
            throw error
        } catch {
            throw StorageError(description: "\(error)")
        }
    }
}

/// An error a caller's closure threw inside a transaction: it rolls the transaction back and
/// reaches the caller as it was, not as a storage failure.
struct Passthrough: Error {
    let error: any Error
}

extension GRDBPoolStore: PoolRepository {
    func create(_ pool: PoolRecord, keys: [SigningKeyRecord]) async throws {
        try await write { db in
            try PoolRow(pool).insert(db)
            for key in keys { try key.insert(db) }
        }
    }

    func pool(id: String) async throws -> PoolRecord? {
        try await read { db in try PoolRow.fetchOne(db, key: id)?.value }
    }

    func pools() async throws -> [PoolRecord] {
        try await read { db in try PoolRow.order(Column("createdAt")).fetchAll(db).map(\.value) }
    }

    func update(_ pool: PoolRecord) async throws {
        try await write { db in try PoolRow(pool).update(db) }
    }

    func deletePool(id: String) async throws {
        // Clients, users, groups, keys, refresh tokens, codes and sessions go by the schema's cascades.
        try await write { db in _ = try PoolRow.deleteOne(db, key: id) }
    }

    func signingKeys(poolID: String) async throws -> [SigningKeyRecord] {
        try await read { db in try SigningKeyRecord.filter(Column("poolId") == poolID).order(Column("createdAt")).fetchAll(db) }
    }

    func secret(_ fresh: ServerSecretRecord) async throws -> Data {
        try await write { db in
            if let existing = try ServerSecretRecord.fetchOne(db, key: fresh.name) { return existing.value }
            try fresh.insert(db)
            return fresh.value
        }
    }

    func create(_ client: ClientRecord) async throws {
        try await write { db in try ClientRow(client).insert(db) }
    }

    func client(id: String) async throws -> ClientRecord? {
        try await read { db in try ClientRow.fetchOne(db, key: id)?.value }
    }

    func clients(poolID: String?) async throws -> [ClientRecord] {
        try await read { db in
            let all = poolID.map { ClientRow.filter(Column("poolId") == $0) } ?? ClientRow.all()
            return try all.order(Column("createdAt")).fetchAll(db).map(\.value)
        }
    }

    func update(_ client: ClientRecord) async throws {
        try await write { db in try ClientRow(client).update(db) }
    }

    func deleteClient(id: String) async throws {
        try await write { db in
            try RefreshTokenRecord.filter(Column("clientId") == id).deleteAll(db)
            try AuthCodeRecord.filter(Column("clientId") == id).deleteAll(db)
            _ = try ClientRow.deleteOne(db, key: id)
        }
    }
}
