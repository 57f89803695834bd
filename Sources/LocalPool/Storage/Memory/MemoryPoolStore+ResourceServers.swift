extension MemoryPoolStore: ResourceServerRepository {
    func create(_ server: ResourceServerRecord) async throws -> Bool {
        try transaction { tables in
            let key = Key(poolID: server.poolId, name: server.identifier)
            guard tables.resourceServers[key] == nil else { return false }
            tables.resourceServers[key] = server
            return true
        }
    }

    func resourceServer(poolID: String, identifier: String) async throws -> ResourceServerRecord? {
        try transaction { $0.resourceServers[Key(poolID: poolID, name: identifier)] }
    }

    func resourceServers(poolID: String) async throws -> [ResourceServerRecord] {
        try transaction { tables in
            tables.resourceServers.values.filter { $0.poolId == poolID }.sorted { $0.identifier < $1.identifier }
        }
    }

    func update(_ server: ResourceServerRecord) async throws -> Bool {
        try transaction { tables in
            let key = Key(poolID: server.poolId, name: server.identifier)
            guard tables.resourceServers[key] != nil else { return false }
            tables.resourceServers[key] = server
            return true
        }
    }

    func deleteResourceServer(poolID: String, identifier: String) async throws -> Bool {
        try transaction { $0.resourceServers.removeValue(forKey: Key(poolID: poolID, name: identifier)) != nil }
    }
}
