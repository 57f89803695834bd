extension MemoryPoolStore: UserImportRepository {
    func create(_ job: UserImportJobRecord) async throws {
        try transaction { tables in tables.importJobs[job.jobId] = job }
    }

    func job(poolID: String, id: String) async throws -> UserImportJobRecord? {
        try transaction { tables in tables.importJobs[id].flatMap { $0.poolId == poolID ? $0 : nil } }
    }

    func job(id: String) async throws -> UserImportJobRecord? {
        try transaction { tables in tables.importJobs[id] }
    }

    func jobs(poolID: String) async throws -> [UserImportJobRecord] {
        try transaction { tables in tables.importJobs.values.filter { $0.poolId == poolID }.sorted { $0.createdAt < $1.createdAt } }
    }

    func update(_ job: UserImportJobRecord) async throws {
        try transaction { tables in
            if tables.importJobs[job.jobId] != nil { tables.importJobs[job.jobId] = job }
        }
    }
}
