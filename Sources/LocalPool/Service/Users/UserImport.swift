public import Foundation
import GatehouseCore
import Logging

/// User import jobs (CreateUserImportJob and its siblings): the CSV is PUT to the job's
/// pre-signed URL on this pool, as it would be to S3, and StartUserImportJob imports it with
/// Cognito's rules: each user `RESET_REQUIRED` (a password is set with the ForgotPassword code),
/// each failed row counted and its line and reason written to the log.
public struct UserImport: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts
    /// Where the pool answers (the pre-signed URLs' base).
    let baseURL: String

    /// CreateUserImportJob.
    public func createJob(poolID: String, name: String, roleArn: String) async throws(LocalPoolError) -> UserImportJobRecord {
        _ = try await pools.pool(poolID)
        guard (1...128).contains(name.count) else { throw .invalidParameter("JobName must be 1 to 128 characters.") }
        guard roleArn.hasPrefix("arn:"), (20...2048).contains(roleArn.count) else {
            throw .invalidParameter("CloudWatchLogsRoleArn must be the ARN of an IAM role.")
        }
        let job = UserImportJobRecord(
            jobId: "import-" + Identifiers.importJobSuffix(),
            poolId: poolID,
            jobName: name,
            cloudWatchLogsRoleArn: roleArn,
            status: "Created",
            createdAt: context.clock.now(),
            imported: 0,
            skipped: 0,
            failed: 0,
            uploadToken: Identifiers.opaque(bytes: 32)
        )
        try await context.store { try await context.storage.imports.create(job) }
        return job
    }

    /// DescribeUserImportJob: the job `id` of `poolID`, or `ResourceNotFoundException`.
    public func job(poolID: String, id: String) async throws(LocalPoolError) -> UserImportJobRecord {
        _ = try await pools.pool(poolID)
        guard let job = try await context.store({ try await context.storage.imports.job(poolID: poolID, id: id) }) else {
            throw .resourceNotFound("Import job \(id.prefix(64)) does not exist.")
        }
        return job
    }

    /// ListUserImportJobs: the pool's jobs, oldest first.
    public func jobs(poolID: String) async throws(LocalPoolError) -> [UserImportJobRecord] {
        _ = try await pools.pool(poolID)
        return try await context.store { try await context.storage.imports.jobs(poolID: poolID) }
    }

    /// The job's `PreSignedUrl`: this pool's upload endpoint with the job's random token.
    public func preSignedURL(_ job: UserImportJobRecord) -> String {
        "\(baseURL)/user-import/\(job.jobId)?token=\(job.uploadToken)"
    }

    /// The PUT of a file to a pre-signed URL: `.forbidden` for a wrong token or an unknown job
    /// (alike), `.conflict` once the job has started.
    public func upload(jobID: String, token: String, csv: Data) async throws(LocalPoolError) -> UploadResult {
        guard jobID.utf8.count <= 64, var job = try await context.store({ try await context.storage.imports.job(id: jobID) }),
            ConstantTime.equals(Array(job.uploadToken.utf8), Array(token.utf8))
        else { return .forbidden }
        guard job.status == "Created" else { return .conflict }
        job.csv = csv
        let uploaded = job
        try await context.store { try await context.storage.imports.update(uploaded) }
        return .stored
    }

    /// What a PUT to a pre-signed URL did.
    public enum UploadResult: Sendable {
        /// The file is the job's now.
        case stored
        /// Not a job's pre-signed URL (a wrong token, or no such job).
        case forbidden
        /// The job has started (or stopped): its file is no longer taken.
        case conflict
    }

    /// StopUserImportJob: a job not yet started is stopped; one that ended cannot be.
    public func stop(poolID: String, id: String) async throws(LocalPoolError) -> UserImportJobRecord {
        var job = try await job(poolID: poolID, id: id)
        guard job.status == "Created" else { throw .invalidParameter("Import job \(id) is \(job.status) and cannot be stopped.") }
        job.status = "Stopped"
        job.completedAt = context.clock.now()
        job.completionMessage = "The import job was stopped."
        job.csv = nil
        let stopped = job
        try await context.store { try await context.storage.imports.update(stopped) }
        return stopped
    }
}
