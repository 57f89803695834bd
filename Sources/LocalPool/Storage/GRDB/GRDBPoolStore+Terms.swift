import GRDB

extension GRDBPoolStore: TermsRepository {
    func create(_ terms: TermsRecord) async throws -> Bool {
        try await write { db in
            guard try Self.named(terms, db) == nil else { return false }
            try TermsRow(terms).insert(db)
            return true
        }
    }

    func terms(poolID: String, id: String) async throws -> TermsRecord? {
        try await read { db in try TermsRow.fetchOne(db, key: id).map(\.value).flatMap { $0.poolId == poolID ? $0 : nil } }
    }

    func terms(poolID: String) async throws -> [TermsRecord] {
        try await read { db in try TermsRow.filter(Column("poolId") == poolID).order(Column("createdAt")).fetchAll(db).map(\.value) }
    }

    func update(_ terms: TermsRecord) async throws -> Bool {
        try await write { db in
            if let other = try Self.named(terms, db), other.termsId != terms.termsId { return false }
            try TermsRow(terms).update(db)
            return true
        }
    }

    func deleteTerms(poolID: String, id: String) async throws {
        try await write { db in _ = try TermsRow.filter(Column("termsId") == id && Column("poolId") == poolID).deleteAll(db) }
    }

    /// The client's terms of the same name.
    private static func named(_ terms: TermsRecord, _ db: Database) throws -> TermsRecord? {
        try TermsRow.filter(Column("clientId") == terms.clientId && Column("termsName") == terms.termsName).fetchOne(db)?.value
    }
}
