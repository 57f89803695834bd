extension MemoryPoolStore: IdentityProviderRepository {
    func create(_ provider: IdentityProviderRecord) async throws -> Bool {
        try transaction { tables in
            let key = Key(poolID: provider.poolId, name: provider.providerName)
            guard tables.identityProviders[key] == nil else { return false }
            tables.identityProviders[key] = provider
            return true
        }
    }

    func provider(poolID: String, name: String) async throws -> IdentityProviderRecord? {
        try transaction { tables in tables.identityProviders[Key(poolID: poolID, name: name)] }
    }

    func providers(poolID: String) async throws -> [IdentityProviderRecord] {
        try transaction { tables in
            tables.identityProviders.values.filter { $0.poolId == poolID }.sorted { $0.providerName < $1.providerName }
        }
    }

    func update(_ provider: IdentityProviderRecord) async throws {
        try transaction { tables in
            let key = Key(poolID: provider.poolId, name: provider.providerName)
            if tables.identityProviders[key] != nil { tables.identityProviders[key] = provider }
        }
    }

    func deleteProvider(poolID: String, name: String) async throws {
        try transaction { tables in tables.identityProviders[Key(poolID: poolID, name: name)] = nil }
    }
}
