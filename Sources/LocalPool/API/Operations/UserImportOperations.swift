/// User import: CreateUserImportJob, StartUserImportJob, StopUserImportJob,
/// DescribeUserImportJob, ListUserImportJobs (GetCSVHeader is with the pool's settings).
enum UserImportOperations {
    static let handlers: [String: OperationHandler] = [
        CreateUserImportJob.name: CreateUserImportJob.handler, StartUserImportJob.name: StartUserImportJob.handler,
        StopUserImportJob.name: StopUserImportJob.handler, DescribeUserImportJob.name: DescribeUserImportJob.handler,
        ListUserImportJobs.name: ListUserImportJobs.handler,
    ]

    /// `UserImportJobType`.
    struct JobType: Encodable, Sendable {
        var jobName: String
        var jobId: String
        var userPoolId: String
        var preSignedUrl: String
        var creationDate: Double
        var startDate: Double?
        var completionDate: Double?
        var status: String
        var cloudWatchLogsRoleArn: String
        var importedUsers: Int
        var skippedUsers: Int
        var failedUsers: Int
        var completionMessage: String?

        static func of(_ job: UserImportJobRecord, api: CognitoAPI) async throws(LocalPoolError) -> JobType {
            JobType(
                jobName: job.jobName,
                jobId: job.jobId,
                userPoolId: job.poolId,
                preSignedUrl: api.service.imports.preSignedURL(job),
                creationDate: job.createdAt,
                startDate: job.startedAt,
                completionDate: job.completedAt,
                status: job.status,
                cloudWatchLogsRoleArn: job.cloudWatchLogsRoleArn,
                importedUsers: job.imported,
                skippedUsers: job.skipped,
                failedUsers: job.failed,
                completionMessage: job.completionMessage
            )
        }
    }

    /// `{"UserImportJob": …}`.
    struct Response: Encodable, Sendable {
        var userImportJob: JobType
    }

    /// A pool and a job id.
    struct JobRequest: Decodable, Sendable {
        var userPoolId: String
        var jobId: String
    }

    struct CreateUserImportJob: CognitoOperation {
        struct Request: Decodable, Sendable {
            var jobName: String
            var userPoolId: String
            var cloudWatchLogsRoleArn: String
        }
        static let name = "CreateUserImportJob"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let job = try await api.service.imports.createJob(
                poolID: request.userPoolId,
                name: request.jobName,
                roleArn: request.cloudWatchLogsRoleArn
            )
            return Response(userImportJob: try await .of(job, api: api))
        }
    }

    struct StartUserImportJob: CognitoOperation {
        static let name = "StartUserImportJob"
        static func run(_ request: JobRequest, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            Response(userImportJob: try await .of(try await api.service.imports.start(poolID: request.userPoolId, id: request.jobId), api: api))
        }
    }

    struct StopUserImportJob: CognitoOperation {
        static let name = "StopUserImportJob"
        static func run(_ request: JobRequest, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            Response(userImportJob: try await .of(try await api.service.imports.stop(poolID: request.userPoolId, id: request.jobId), api: api))
        }
    }

    struct DescribeUserImportJob: CognitoOperation {
        static let name = "DescribeUserImportJob"
        static func run(_ request: JobRequest, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            Response(userImportJob: try await .of(try await api.service.imports.job(poolID: request.userPoolId, id: request.jobId), api: api))
        }
    }

    struct ListUserImportJobs: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var maxResults: Int
            var paginationToken: String?
        }
        struct ListResponse: Encodable, Sendable {
            var userImportJobs: [JobType]
            var paginationToken: String?
        }
        static let name = "ListUserImportJobs"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> ListResponse {
            let maximum = try Validate.within(request.maxResults, 1...60, "maxResults") ?? 60
            let all = try await api.service.imports.jobs(poolID: request.userPoolId)
            let (page, next) = IndexPages.page(all, token: request.paginationToken, maximum: maximum)
            var jobs: [JobType] = []
            for job in page { jobs.append(try await .of(job, api: api)) }
            return ListResponse(userImportJobs: jobs, paginationToken: next)
        }
    }
}
