import GatehouseCore

/// OIDC identity providers (CreateIdentityProvider and its siblings).
extension PoolAdministration {
    /// CreateIdentityProvider: an OIDC provider, its endpoints discovered from `oidc_issuer`
    /// when not given; `AttributeMapping` gets `username` → `sub`, as Cognito's does.
    public func createIdentityProvider(
        poolID: String,
        name: String,
        type: String,
        details: [String: String],
        attributeMapping: [String: String]?,
        identifiers: [String]?
    ) async throws(LocalPoolError) -> IdentityProviderRecord {
        _ = try await pool(poolID)
        try IdentityProviderRules.checkName(name)
        try IdentityProviderRules.checkType(type)
        let checked = try await discover(try IdentityProviderRules.checkDetails(details))
        var mapping = attributeMapping ?? [:]
        if mapping["username"] == nil { mapping["username"] = "sub" }
        try await checkMapping(mapping, poolID: poolID)
        try IdentityProviderRules.checkIdentifiers(identifiers ?? [])
        try await checkIdentifiersFree(identifiers ?? [], poolID: poolID, except: nil)
        let now = context.clock.now()
        let provider = IdentityProviderRecord(
            poolId: poolID,
            providerName: name,
            providerType: type,
            providerDetails: checked,
            attributeMapping: mapping,
            idpIdentifiers: identifiers ?? [],
            createdAt: now,
            updatedAt: now
        )
        guard try await context.store({ try await context.storage.identityProviders.create(provider) }) else {
            throw LocalPoolError(.duplicateProvider, "A provider with the name \(name) already exists in this user pool.")
        }
        return provider
    }

    /// DescribeIdentityProvider: the provider `name` of `poolID`, or `ResourceNotFoundException`.
    public func identityProvider(poolID: String, name: String) async throws(LocalPoolError) -> IdentityProviderRecord {
        _ = try await pool(poolID)
        guard let provider = try await context.store({ try await context.storage.identityProviders.provider(poolID: poolID, name: name) }) else {
            throw .resourceNotFound("Identity provider \(name.prefix(32)) does not exist.")
        }
        return provider
    }

    /// ListIdentityProviders: the pool's providers, by name.
    public func identityProviders(poolID: String) async throws(LocalPoolError) -> [IdentityProviderRecord] {
        _ = try await pool(poolID)
        return try await context.store { try await context.storage.identityProviders.providers(poolID: poolID) }
    }

    /// GetIdentityProviderByIdentifier: the provider with `identifier` (case-insensitive).
    public func identityProvider(poolID: String, identifier: String) async throws(LocalPoolError) -> IdentityProviderRecord {
        let all = try await identityProviders(poolID: poolID)
        guard let provider = all.first(where: { $0.idpIdentifiers.contains { $0.lowercased() == identifier.lowercased() } }) else {
            throw .resourceNotFound("No identity provider has the identifier \(identifier.prefix(40)).")
        }
        return provider
    }

    /// UpdateIdentityProvider: the details given are merged into the stored ones (endpoints
    /// discovered again when the issuer changes); a mapping or identifiers given replace them.
    public func updateIdentityProvider(
        poolID: String,
        name: String,
        details: [String: String]?,
        attributeMapping: [String: String]?,
        identifiers: [String]?
    ) async throws(LocalPoolError) -> IdentityProviderRecord {
        var provider = try await identityProvider(poolID: poolID, name: name)
        if let details {
            var merged = provider.providerDetails.merging(details) { _, new in new }
            if let issuer = details["oidc_issuer"], issuer != provider.providerDetails["oidc_issuer"] {
                for (endpoint, _) in IdentityProviderRules.discovered where details[endpoint] == nil { merged[endpoint] = nil }
            }
            provider.providerDetails = try await discover(try IdentityProviderRules.checkDetails(merged))
        }
        if let attributeMapping {
            var mapping = attributeMapping
            if mapping["username"] == nil { mapping["username"] = "sub" }
            try await checkMapping(mapping, poolID: poolID)
            provider.attributeMapping = mapping
        }
        if let identifiers {
            try IdentityProviderRules.checkIdentifiers(identifiers)
            try await checkIdentifiersFree(identifiers, poolID: poolID, except: name)
            provider.idpIdentifiers = identifiers
        }
        provider.updatedAt = context.clock.now()
        let updated = provider
        try await context.store { try await context.storage.identityProviders.update(updated) }
        return updated
    }

    /// DeleteIdentityProvider.
    public func deleteIdentityProvider(poolID: String, name: String) async throws(LocalPoolError) {
        _ = try await identityProvider(poolID: poolID, name: name)
        try await context.store { try await context.storage.identityProviders.deleteProvider(poolID: poolID, name: name) }
    }

    /// Mapping keys are the pool's attributes (or `username`); values are the provider's claims.
    private func checkMapping(_ mapping: [String: String], poolID: String) async throws(LocalPoolError) {
        guard mapping.count <= 50 else { throw .invalidParameter("AttributeMapping must have at most 50 entries.") }
        let schema = PoolSchema(try await pool(poolID).schema)
        for (attribute, claim) in mapping {
            guard attribute == "username" || schema[attribute] != nil, attribute != "sub" else {
                throw .invalidParameter("AttributeMapping: \(attribute.prefix(64)) is not an attribute of this user pool.")
            }
            guard (1...131_072).contains(claim.count) else { throw .invalidParameter("AttributeMapping: a claim name must not be empty.") }
        }
    }

    private func checkIdentifiersFree(_ identifiers: [String], poolID: String, except name: String?) async throws(LocalPoolError) {
        let taken = Set(
            try await identityProviders(poolID: poolID).filter { $0.providerName != name }.flatMap(\.idpIdentifiers).map { $0.lowercased() }
        )
        if let clash = identifiers.first(where: { taken.contains($0.lowercased()) }) {
            throw .invalidParameter("The identifier \(clash) is already used by another identity provider.")
        }
    }
}
