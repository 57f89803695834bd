extension MemoryPoolStore: TermsRepository {
    func create(_ terms: TermsRecord) async throws -> Bool {
        try transaction { tables in
            guard !tables.terms.values.contains(where: { $0.clientId == terms.clientId && $0.termsName == terms.termsName }) else { return false }
            tables.terms[terms.termsId] = terms
            return true
        }
    }

    func terms(poolID: String, id: String) async throws -> TermsRecord? {
        try transaction { tables in tables.terms[id].flatMap { $0.poolId == poolID ? $0 : nil } }
    }

    func terms(poolID: String) async throws -> [TermsRecord] {
        try transaction { tables in tables.terms.values.filter { $0.poolId == poolID }.sorted { $0.createdAt < $1.createdAt } }
    }

    func update(_ terms: TermsRecord) async throws -> Bool {
        try transaction { tables in
            let clash = tables.terms.values.contains {
                $0.clientId == terms.clientId && $0.termsName == terms.termsName && $0.termsId != terms.termsId
            }
            guard !clash else { return false }
            tables.terms[terms.termsId] = terms
            return true
        }
    }

    func deleteTerms(poolID: String, id: String) async throws {
        try transaction { tables in
            if tables.terms[id]?.poolId == poolID { tables.terms[id] = nil }
        }
    }
}
