import GRDB

extension GRDBPoolStore: IdentityProviderRepository {
    func create(_ provider: IdentityProviderRecord) async throws -> Bool {
        try await write { db in
            guard try IdentityProviderRow.fetchOne(db, key: ["poolId": provider.poolId, "providerName": provider.providerName]) == nil else {
                return false
            }
            try IdentityProviderRow(provider).insert(db)
            return true
        }
    }

    func provider(poolID: String, name: String) async throws -> IdentityProviderRecord? {
        try await read { db in try IdentityProviderRow.fetchOne(db, key: ["poolId": poolID, "providerName": name])?.value }
    }

    func providers(poolID: String) async throws -> [IdentityProviderRecord] {
        try await read { db in try IdentityProviderRow.filter(Column("poolId") == poolID).order(Column("providerName")).fetchAll(db).map(\.value) }
    }

    func update(_ provider: IdentityProviderRecord) async throws {
        try await write { db in try IdentityProviderRow(provider).update(db) }
    }

    func deleteProvider(poolID: String, name: String) async throws {
        try await write { db in _ = try IdentityProviderRow.deleteOne(db, key: ["poolId": poolID, "providerName": name]) }
    }
}
