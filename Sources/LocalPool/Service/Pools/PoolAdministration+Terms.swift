import GatehouseCore

/// App clients' terms documents (CreateTerms and its siblings): one terms of use and one privacy
/// policy per client, linked from its sign-up page once it has both.
extension PoolAdministration {
    /// CreateTerms.
    public func createTerms(
        poolID: String,
        clientID: String,
        name: String,
        source: String,
        enforcement: String,
        links: [String: String]
    ) async throws(LocalPoolError) -> TermsRecord {
        _ = try await client(clientID, poolID: poolID)
        try TermsRules.check(name: name, source: source, enforcement: enforcement, links: links)
        let now = context.clock.now()
        let terms = TermsRecord(
            termsId: Identifiers.uuid(),
            poolId: poolID,
            clientId: clientID,
            termsName: name,
            termsSource: source,
            enforcement: enforcement,
            links: links,
            createdAt: now,
            updatedAt: now
        )
        guard try await context.store({ try await context.storage.terms.create(terms) }) else {
            throw LocalPoolError(.termsExists, "Terms with the name \(name) already exist for this app client.")
        }
        return terms
    }

    /// DescribeTerms: the terms `id` of `poolID`, or `ResourceNotFoundException`.
    public func terms(poolID: String, id: String) async throws(LocalPoolError) -> TermsRecord {
        _ = try await pool(poolID)
        guard let terms = try await context.store({ try await context.storage.terms.terms(poolID: poolID, id: id) }) else {
            throw .resourceNotFound("Terms \(id.prefix(64)) do not exist.")
        }
        return terms
    }

    /// ListTerms: the pool's terms, oldest first.
    public func termsList(poolID: String) async throws(LocalPoolError) -> [TermsRecord] {
        _ = try await pool(poolID)
        return try await context.store { try await context.storage.terms.terms(poolID: poolID) }
    }

    /// UpdateTerms: what is given replaces what was.
    public func updateTerms(
        poolID: String,
        id: String,
        name: String?,
        source: String?,
        enforcement: String?,
        links: [String: String]?
    ) async throws(LocalPoolError) -> TermsRecord {
        var terms = try await self.terms(poolID: poolID, id: id)
        try TermsRules.check(name: name, source: source, enforcement: enforcement, links: links)
        if let name { terms.termsName = name }
        if let source { terms.termsSource = source }
        if let enforcement { terms.enforcement = enforcement }
        if let links { terms.links = links }
        terms.updatedAt = context.clock.now()
        let updated = terms
        guard try await context.store({ try await context.storage.terms.update(updated) }) else {
            throw LocalPoolError(.termsExists, "Terms with the name \(updated.termsName) already exist for this app client.")
        }
        return updated
    }

    /// DeleteTerms.
    public func deleteTerms(poolID: String, id: String) async throws(LocalPoolError) {
        _ = try await terms(poolID: poolID, id: id)
        try await context.store { try await context.storage.terms.deleteTerms(poolID: poolID, id: id) }
    }

    /// The links the sign-up page of `client` shows: both documents' English (or default)
    /// http(s) links, or nil while it lacks one, as Cognito shows none until both exist.
    func signUpTermsLinks(_ client: ClientRecord) async -> (termsOfUse: String, privacyPolicy: String)? {
        guard let all = try? await context.storage.terms.terms(poolID: client.poolId) else { return nil }
        let mine = all.filter { $0.clientId == client.id }
        guard let terms = mine.first(where: { $0.termsName == "terms-of-use" })?.englishLink,
            let privacy = mine.first(where: { $0.termsName == "privacy-policy" })?.englishLink
        else { return nil }
        return (terms, privacy)
    }
}
