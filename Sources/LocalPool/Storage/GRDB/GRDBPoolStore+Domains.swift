import GRDB

extension GRDBPoolStore: DomainRepository {
    func create(_ domain: UserPoolDomainRecord) async throws -> Bool {
        try await write { db in
            guard try DomainRow.fetchOne(db, key: domain.domain) == nil else { return false }
            try DomainRow(domain).insert(db)
            return true
        }
    }

    func domain(named name: String) async throws -> UserPoolDomainRecord? {
        try await read { db in try DomainRow.fetchOne(db, key: name)?.value }
    }

    func domains(poolID: String) async throws -> [UserPoolDomainRecord] {
        try await read { db in try DomainRow.filter(Column("poolId") == poolID).order(Column("createdAt")).fetchAll(db).map(\.value) }
    }

    func update(_ domain: UserPoolDomainRecord) async throws {
        try await write { db in try DomainRow(domain).update(db) }
    }

    func deleteDomain(named name: String) async throws {
        try await write { db in _ = try DomainRow.deleteOne(db, key: name) }
    }
}
