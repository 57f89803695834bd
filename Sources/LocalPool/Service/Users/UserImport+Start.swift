import GatehouseCore
import Logging

extension UserImport {
    /// StartUserImportJob: imports the uploaded file at once and answers the job as it ended:
    /// `Succeeded` with the users imported and failed counted, or `Failed` when the file is
    /// missing or its header is not Cognito's.
    public func start(poolID: String, id: String) async throws(LocalPoolError) -> UserImportJobRecord {
        var job = try await job(poolID: poolID, id: id)
        guard job.status == "Created" else { throw .invalidParameter("Import job \(id) is \(job.status) and cannot be started.") }
        job.startedAt = context.clock.now()
        let log = context.logger
        if let csv = job.csv {
            let pool = try await pools.pool(poolID)
            let columns = Set(PoolAdministration.csvHeader + PoolSchema(pool.schema).custom.map(\.name))
            switch UserImportRules.plan(csv, columns: columns) {
            case .failure(let error):
                job.status = "Failed"
                job.completionMessage = error.message
            case .success(let plan):
                var failures = plan.failures
                for user in plan.users {
                    do {
                        _ = try await users.importUser(poolID: poolID, username: user.username, attributes: user.attributes)
                        job.imported += 1
                    } catch {
                        failures.append((user.line, error.message))
                    }
                }
                for failure in failures.sorted(by: { $0.line < $1.line }) {
                    log.info(
                        "gatehouse.pool.import_row_failed",
                        metadata: [
                            "gatehouse.pool.job": "\(job.jobId)", "gatehouse.pool.line": "\(failure.line)",
                            "gatehouse.pool.reason": "\(failure.reason)",
                        ]
                    )
                }
                job.failed = failures.count
                job.status = "Succeeded"
                job.completionMessage =
                    failures.isEmpty ? "Import Job Completed Successfully." : "Import Job Completed; \(failures.count) users failed (see the log)."
            }
        } else {
            job.status = "Failed"
            job.completionMessage = "No file was uploaded to the job's PreSignedUrl."
        }
        job.completedAt = context.clock.now()
        job.csv = nil
        let ended = job
        try await context.store { try await context.storage.imports.update(ended) }
        log.notice(
            "gatehouse.pool.import_finished",
            metadata: [
                "gatehouse.pool.job": "\(ended.jobId)", "gatehouse.pool.status": "\(ended.status)",
                "gatehouse.pool.imported": "\(ended.imported)", "gatehouse.pool.failed": "\(ended.failed)",
            ]
        )
        return ended
    }
}

extension UserAccounts {
    /// An imported user: `RESET_REQUIRED`, no password until the ForgotPassword code sets one;
    /// the attributes checked against the pool's schema as AdminCreateUser checks them.
    func importUser(poolID: String, username: String, attributes: [UserRecord.Attribute]) async throws(LocalPoolError) -> UserRecord {
        let schema = try await schema(poolID: poolID)
        guard InputPatterns.isUsername(username) else { throw .invalidParameter("The username is not a valid username.") }
        try AttributeRules.check(attributes, schema: schema, creating: true)
        try AttributeRules.checkRequired(attributes, schema: schema)
        let now = context.clock.now()
        let user = UserRecord(
            poolId: poolID,
            username: username,
            sub: Identifiers.uuid(),
            attributes: attributes,
            enabled: true,
            status: .resetRequired,
            tokensValidAfter: 0,
            failedAttempts: 0,
            lockedUntil: 0,
            createdAt: now,
            updatedAt: now
        )
        guard try await context.store({ try await context.storage.users.create(user) }) else {
            throw LocalPoolError(.usernameExists, "User account already exists.")
        }
        return user
    }
}
