extension MemoryPoolStore: DomainRepository {
    func create(_ domain: UserPoolDomainRecord) async throws -> Bool {
        try transaction { tables in
            guard tables.domains[domain.domain] == nil else { return false }
            tables.domains[domain.domain] = domain
            return true
        }
    }

    func domain(named name: String) async throws -> UserPoolDomainRecord? {
        try transaction { $0.domains[name] }
    }

    func domains(poolID: String) async throws -> [UserPoolDomainRecord] {
        try transaction { tables in tables.domains.values.filter { $0.poolId == poolID }.sorted { $0.createdAt < $1.createdAt } }
    }

    func update(_ domain: UserPoolDomainRecord) async throws {
        try transaction { $0.domains[domain.domain] = domain }
    }

    func deleteDomain(named name: String) async throws {
        try transaction { $0.domains[name] = nil }
    }
}
