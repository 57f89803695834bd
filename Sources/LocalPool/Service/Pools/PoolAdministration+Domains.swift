import GatehouseCore

/// User pool domains: where the hosted login of a pool lives on AWS. Stored, described and held
/// to Cognito's rules: one prefix and one custom domain per pool, each name taken once.
extension PoolAdministration {
    /// CreateUserPoolDomain.
    public func createDomain(
        poolID: String,
        domain: String,
        certificateArn: String?,
        managedLoginVersion: Int?
    ) async throws(LocalPoolError) -> UserPoolDomainRecord {
        _ = try await pool(poolID)
        try DomainRules.check(domain, custom: certificateArn != nil)
        try Self.checkCertificate(certificateArn)
        let existing = try await domains(poolID: poolID)
        guard !existing.contains(where: { $0.isCustom == (certificateArn != nil) }) else {
            throw .invalidParameter("User pool already has a domain configured.")
        }
        let record = UserPoolDomainRecord(
            domain: domain,
            poolId: poolID,
            certificateArn: certificateArn,
            managedLoginVersion: try Self.checkVersion(managedLoginVersion) ?? 1,
            createdAt: context.clock.now()
        )
        guard try await context.store({ try await context.storage.domains.create(record) }) else {
            throw .invalidParameter("Domain already associated with another user pool.")
        }
        return record
    }

    /// The domain called `name`, when there is one (DescribeUserPoolDomain answers an empty
    /// description for none, as Cognito does).
    public func domain(named name: String) async throws(LocalPoolError) -> UserPoolDomainRecord? {
        try await context.store { try await context.storage.domains.domain(named: name) }
    }

    /// The domains of `poolID`.
    public func domains(poolID: String) async throws(LocalPoolError) -> [UserPoolDomainRecord] {
        try await context.store { try await context.storage.domains.domains(poolID: poolID) }
    }

    /// UpdateUserPoolDomain: a custom domain's certificate, and either's managed login version.
    public func updateDomain(
        poolID: String,
        domain: String,
        certificateArn: String?,
        managedLoginVersion: Int?
    ) async throws(LocalPoolError) -> UserPoolDomainRecord {
        var record = try await owned(domain, poolID: poolID)
        try Self.checkCertificate(certificateArn)
        if let certificateArn {
            guard record.isCustom else { throw .invalidParameter("Only a custom domain has a certificate to update.") }
            record.certificateArn = certificateArn
        }
        if let version = try Self.checkVersion(managedLoginVersion) { record.managedLoginVersion = version }
        let updated = record
        try await context.store { try await context.storage.domains.update(updated) }
        return updated
    }

    /// DeleteUserPoolDomain.
    public func deleteDomain(poolID: String, domain: String) async throws(LocalPoolError) {
        _ = try await owned(domain, poolID: poolID)
        try await context.store { try await context.storage.domains.deleteDomain(named: domain) }
    }

    private func owned(_ domain: String, poolID: String) async throws(LocalPoolError) -> UserPoolDomainRecord {
        _ = try await pool(poolID)
        guard let record = try await self.domain(named: domain), record.poolId == poolID else {
            throw .invalidParameter("No such domain or user pool exists.")
        }
        return record
    }

    /// A custom domain's certificate is an ACM certificate in us-east-1, as CloudFront needs.
    private static func checkCertificate(_ arn: String?) throws(LocalPoolError) {
        guard let arn else { return }
        guard arn.hasPrefix("arn:aws:acm:us-east-1:"), arn.contains(":certificate/"), arn.utf8.count <= 2048 else {
            throw .invalidParameter(
                "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain."
            )
        }
    }

    private static func checkVersion(_ version: Int?) throws(LocalPoolError) -> Int? {
        guard let version else { return nil }
        guard version == 1 || version == 2 else { throw .invalidParameter("ManagedLoginVersion must be 1 or 2.") }
        return version
    }
}
