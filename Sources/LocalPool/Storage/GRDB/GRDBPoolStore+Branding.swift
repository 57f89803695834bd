import GRDB

extension GRDBPoolStore: BrandingRepository {
    func create(_ branding: ManagedLoginBrandingRecord) async throws -> Bool {
        try await write { db in
            guard try BrandingRow.filter(Column("clientId") == branding.clientId).fetchCount(db) == 0 else { return false }
            try BrandingRow(branding).insert(db)
            return true
        }
    }

    func branding(poolID: String, id: String) async throws -> ManagedLoginBrandingRecord? {
        try await read { db in try BrandingRow.filter(Column("brandingId") == id && Column("poolId") == poolID).fetchOne(db)?.value }
    }

    func branding(clientID: String) async throws -> ManagedLoginBrandingRecord? {
        try await read { db in try BrandingRow.filter(Column("clientId") == clientID).fetchOne(db)?.value }
    }

    func update(_ branding: ManagedLoginBrandingRecord) async throws {
        try await write { db in try BrandingRow(branding).update(db) }
    }

    func deleteBranding(poolID: String, id: String) async throws {
        try await write { db in _ = try BrandingRow.filter(Column("brandingId") == id && Column("poolId") == poolID).deleteAll(db) }
    }
}
