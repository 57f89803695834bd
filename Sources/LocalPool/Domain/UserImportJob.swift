public import Foundation

/// A user import job (CreateUserImportJob): the CSV uploaded to its pre-signed URL, then
/// imported by StartUserImportJob.
public struct UserImportJobRecord: Codable, Sendable, Equatable {
    /// `JobId`: `import-` and ten characters.
    public var jobId: String
    /// The pool.
    public var poolId: String
    /// `JobName`.
    public var jobName: String
    /// `CloudWatchLogsRoleArn` (kept; this pool's log is its own).
    public var cloudWatchLogsRoleArn: String
    /// `Status`: `Created`, `Succeeded`, `Failed`, `Stopped`.
    public var status: String
    /// When it was created (seconds since 1970).
    public var createdAt: Double
    /// When it was started.
    public var startedAt: Double?
    /// When it ended.
    public var completedAt: Double?
    /// Users imported.
    public var imported: Int
    /// Users skipped.
    public var skipped: Int
    /// Rows that failed.
    public var failed: Int
    /// `CompletionMessage`.
    public var completionMessage: String?
    /// The token of its pre-signed URL (random; a capability to upload this job's file, as
    /// an app client's secret is kept).
    public var uploadToken: String
    /// The uploaded file, until the job ends.
    public var csv: Data?

    /// The largest file accepted (Cognito takes 100 MB; this pool keeps files in its database).
    static let csvLimit = 16 << 20
}

/// What importing a file found: the users to create and the rows that failed, by line.
struct UserImportPlan: Sendable {
    var users: [(line: Int, username: String, attributes: [UserRecord.Attribute])] = []
    var failures: [(line: Int, reason: String)] = []
}

/// Cognito's rules for an import file: a header of GetCSVHeader's columns (any order, custom
/// attributes too) with `cognito:username`, `cognito:mfa_enabled` and a verified flag; per row,
/// a username, booleans that are `true` or `false`, and a verified email or phone number, so
/// the user can get the code that sets their password.
enum UserImportRules {
    /// The plan for `csv`, or the reason the whole file is refused.
    static func plan(_ csv: some Collection<UInt8>, columns allowed: Set<String>) -> Result<UserImportPlan, LocalPoolError> {
        let records: [(line: Int, fields: [String])]
        do {
            records = try CSVReader.records(Array(csv))
        } catch {
            return .failure(.invalidParameter("The file is not valid CSV (\(error))."))
        }
        guard let header = records.first?.fields else { return .failure(.invalidParameter("The file is empty: it needs a header row.")) }
        if let unknown = header.first(where: { !allowed.contains($0) }) {
            return .failure(.invalidParameter("The header has a column that is not in GetCSVHeader: \(unknown.prefix(64))."))
        }
        guard Set(header).count == header.count else { return .failure(.invalidParameter("The header names a column twice.")) }
        for required in ["cognito:username", "cognito:mfa_enabled"] where !header.contains(required) {
            return .failure(.invalidParameter("The header must have the column \(required)."))
        }
        guard header.contains("email_verified") || header.contains("phone_number_verified") else {
            return .failure(.invalidParameter("The header must have email_verified or phone_number_verified."))
        }
        var plan = UserImportPlan()
        for record in records.dropFirst() {
            switch user(record.fields, header: header) {
            case .success(let (username, attributes)): plan.users.append((record.line, username, attributes))
            case .failure(let reason): plan.failures.append((record.line, reason.message))
            }
        }
        return .success(plan)
    }

    /// One row's user: the username and the attributes of its non-empty cells.
    private static func user(_ fields: [String], header: [String]) -> Result<(String, [UserRecord.Attribute]), LocalPoolError> {
        guard fields.count == header.count else {
            return .failure(.invalidParameter("The row has \(fields.count) cells; the header has \(header.count)."))
        }
        var username = ""
        var attributes: [UserRecord.Attribute] = []
        var mfa = false
        for (name, value) in zip(header, fields) where !value.isEmpty {
            switch name {
            case "cognito:username": username = value
            case "cognito:mfa_enabled":
                guard value == "true" || value == "false" else { return .failure(.invalidParameter("cognito:mfa_enabled must be true or false.")) }
                mfa = value == "true"
            default: attributes.append(UserRecord.Attribute(name: name, value: value))
            }
        }
        guard !username.isEmpty else { return .failure(.invalidParameter("The row has no cognito:username.")) }
        let value = { (name: String) in attributes.first { $0.name == name }?.value }
        for flag in ["email_verified", "phone_number_verified"] where value(flag) != nil && value(flag) != "true" && value(flag) != "false" {
            return .failure(.invalidParameter("\(flag) must be true or false."))
        }
        let verifiedEmail = value("email") != nil && value("email_verified") == "true"
        let verifiedPhone = value("phone_number") != nil && value("phone_number_verified") == "true"
        guard verifiedEmail || verifiedPhone else {
            return .failure(.invalidParameter("The user needs a verified email or phone number to get the code that sets a password."))
        }
        if mfa && value("phone_number") == nil {
            return .failure(.invalidParameter("cognito:mfa_enabled true needs a phone_number."))
        }
        return .success((username, attributes))
    }
}
