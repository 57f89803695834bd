import GRDB

extension GRDBPoolStore: UserImportRepository {
    func create(_ job: UserImportJobRecord) async throws {
        try await write { db in try ImportJobRow(job).insert(db) }
    }

    func job(poolID: String, id: String) async throws -> UserImportJobRecord? {
        try await read { db in try ImportJobRow.filter(Column("jobId") == id && Column("poolId") == poolID).fetchOne(db)?.value }
    }

    func job(id: String) async throws -> UserImportJobRecord? {
        try await read { db in try ImportJobRow.fetchOne(db, key: id)?.value }
    }

    func jobs(poolID: String) async throws -> [UserImportJobRecord] {
        try await read { db in
            try ImportJobRow.filter(Column("poolId") == poolID).order(Column("createdAt"), Column("rowid")).fetchAll(db).map(\.value)
        }
    }

    func update(_ job: UserImportJobRecord) async throws {
        try await write { db in try ImportJobRow(job).update(db) }
    }
}
