import GatehouseCore

/// A pool's tags and log delivery: stored, described, and checked as Cognito checks them.
extension PoolAdministration {
    /// The pool an ARN names (`arn:aws:cognito-idp:REGION:ACCOUNT:userpool/ID`), or
    /// `ResourceNotFoundException` when it names none of ours.
    public func pool(arn: String) async throws(LocalPoolError) -> PoolRecord {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "cognito-idp", parts[5].hasPrefix("userpool/") else {
            throw .invalidParameter("The ARN is not a user pool's: arn:aws:cognito-idp:REGION:ACCOUNT:userpool/ID.")
        }
        let id = String(parts[5].dropFirst("userpool/".count))
        guard InputPatterns.isPoolID(id), let pool = try? await pool(id) else {
            throw .resourceNotFound("The user pool of the ARN does not exist.")
        }
        return pool
    }

    /// TagResource: `tags` added to the pool's, replacing values of keys it has.
    public func tag(arn: String, tags: [String: String]) async throws(LocalPoolError) {
        let pool = try await pool(arn: arn)
        _ = try await change(pool.id) { (pool: inout PoolRecord) throws(LocalPoolError) in
            let merged = (pool.tags ?? [:]).merging(tags) { _, new in new }
            try TagRules.check(merged)
            pool.tags = merged
        }
    }

    /// UntagResource: the keys removed (keys it does not have are ignored).
    public func untag(arn: String, keys: [String]) async throws(LocalPoolError) {
        let pool = try await pool(arn: arn)
        _ = try await change(pool.id) { pool in
            var tags = pool.tags ?? [:]
            for key in keys { tags[key] = nil }
            pool.tags = tags.isEmpty ? nil : tags
        }
    }

    /// SetLogDeliveryConfiguration: up to two configurations, one per event source.
    public func setLogConfigurations(poolID: String, _ configurations: [LogConfiguration]) async throws(LocalPoolError) -> PoolRecord {
        guard configurations.count <= 2 else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'logConfigurations' failed to satisfy constraint: Member must have length less than or equal to 2"
            )
        }
        for configuration in configurations {
            guard LogConfiguration.levels.contains(configuration.logLevel), LogConfiguration.sources.contains(configuration.eventSource) else {
                throw .invalidParameter("LogLevel must be ERROR or INFO, and EventSource userNotification or userAuthEvents.")
            }
            let destinations = [
                configuration.cloudWatchLogsConfiguration?.logGroupArn, configuration.s3Configuration?.bucketArn,
                configuration.firehoseConfiguration?.streamArn,
            ]
            guard destinations.compactMap({ $0 }).count == 1 else {
                throw .invalidParameter("Each log configuration needs exactly one destination: a log group, a bucket or a stream.")
            }
            guard destinations.allSatisfy({ $0.map { $0.hasPrefix("arn:") && $0.count <= 2048 } ?? true }) else {
                throw .invalidParameter("A log destination must be an ARN.")
            }
        }
        guard Set(configurations.map(\.eventSource)).count == configurations.count else {
            throw .invalidParameter("Only one log configuration per event source is allowed.")
        }
        return try await change(poolID) { pool in pool.logConfigurations = configurations }
    }

    /// GetCSVHeader: the columns of a user import file, as Cognito lists them for a pool.
    public static let csvHeader = [
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website",
        "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number", "phone_number_verified",
        "address", "updated_at", "cognito:mfa_enabled", "cognito:username",
    ]
}

extension PoolAdministration {
    /// GetSigningCertificate: the pool's SAML signing certificate, base64 DER (see ``SigningCertificate``).
    public func signingCertificate(poolID: String) async throws(LocalPoolError) -> String {
        let pool = try await pool(poolID)
        do {
            let key = try await context.keyRing.keys(poolID: pool.id).id.key
            return Base64URL.encodeStandard(try SigningCertificate.make(poolID: pool.id, createdAt: pool.createdAt, key: key))
        } catch {
            throw .internalError("certificate")
        }
    }
}
