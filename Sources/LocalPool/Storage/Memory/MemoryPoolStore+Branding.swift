extension MemoryPoolStore: BrandingRepository {
    func create(_ branding: ManagedLoginBrandingRecord) async throws -> Bool {
        try transaction { tables in
            guard !tables.brandings.values.contains(where: { $0.clientId == branding.clientId }) else { return false }
            tables.brandings[branding.brandingId] = branding
            return true
        }
    }

    func branding(poolID: String, id: String) async throws -> ManagedLoginBrandingRecord? {
        try transaction { tables in tables.brandings[id].flatMap { $0.poolId == poolID ? $0 : nil } }
    }

    func branding(clientID: String) async throws -> ManagedLoginBrandingRecord? {
        try transaction { tables in tables.brandings.values.first { $0.clientId == clientID } }
    }

    func update(_ branding: ManagedLoginBrandingRecord) async throws {
        try transaction { tables in
            if tables.brandings[branding.brandingId] != nil { tables.brandings[branding.brandingId] = branding }
        }
    }

    func deleteBranding(poolID: String, id: String) async throws {
        try transaction { tables in
            if tables.brandings[id]?.poolId == poolID { tables.brandings[id] = nil }
        }
    }
}
