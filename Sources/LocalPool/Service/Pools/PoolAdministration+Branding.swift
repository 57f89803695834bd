public import GatehouseCore

/// Managed login branding (CreateManagedLoginBranding and its siblings): one style per app
/// client, its settings and images applied to the client's hosted pages.
extension PoolAdministration {
    /// CreateManagedLoginBranding: a style for `clientID`, which must have none.
    public func createBranding(
        poolID: String,
        clientID: String,
        useCognitoProvidedValues: Bool?,
        settings: JSONValue?,
        assets: [BrandingAsset]?
    ) async throws(LocalPoolError) -> ManagedLoginBrandingRecord {
        _ = try await client(clientID, poolID: poolID)
        try BrandingRules.check(useCognitoProvidedValues: useCognitoProvidedValues, settings: settings, assets: assets)
        let now = context.clock.now()
        let branding = ManagedLoginBrandingRecord(
            brandingId: Identifiers.uuid(),
            poolId: poolID,
            clientId: clientID,
            useCognitoProvidedValues: useCognitoProvidedValues ?? false,
            settings: settings.map(BrandingSettings.init(document:)),
            assets: assets ?? [],
            createdAt: now,
            updatedAt: now
        )
        guard try await context.store({ try await context.storage.branding.create(branding) }) else {
            throw LocalPoolError(.managedLoginBrandingExists, "A managed login branding style already exists for app client \(clientID).")
        }
        return branding
    }

    /// DescribeManagedLoginBranding: the style `id` of `poolID`, or `ResourceNotFoundException`.
    public func branding(poolID: String, id: String) async throws(LocalPoolError) -> ManagedLoginBrandingRecord {
        _ = try await pool(poolID)
        guard let branding = try await context.store({ try await context.storage.branding.branding(poolID: poolID, id: id) }) else {
            throw .resourceNotFound("Managed login branding \(id.prefix(64)) does not exist.")
        }
        return branding
    }

    /// DescribeManagedLoginBrandingByClient: the style of `clientID`, or `ResourceNotFoundException`.
    public func branding(poolID: String, clientID: String) async throws(LocalPoolError) -> ManagedLoginBrandingRecord {
        _ = try await client(clientID, poolID: poolID)
        guard let branding = try await context.store({ try await context.storage.branding.branding(clientID: clientID) }) else {
            throw .resourceNotFound("App client \(clientID) has no managed login branding style.")
        }
        return branding
    }

    /// UpdateManagedLoginBranding: `UseCognitoProvidedValues` puts Cognito's style back; otherwise
    /// the settings given are merged into the stored ones and each asset given replaces the one
    /// of its category and color mode, the rest kept.
    public func updateBranding(
        poolID: String,
        id: String,
        useCognitoProvidedValues: Bool?,
        settings: JSONValue?,
        assets: [BrandingAsset]?
    ) async throws(LocalPoolError) -> ManagedLoginBrandingRecord {
        var branding = try await self.branding(poolID: poolID, id: id)
        try BrandingRules.check(useCognitoProvidedValues: useCognitoProvidedValues, settings: settings, assets: assets)
        if useCognitoProvidedValues == true {
            branding.useCognitoProvidedValues = true
            branding.settings = nil
            branding.assets = []
        } else {
            let merged = BrandingRules.merge(branding.settings?.document, settings)
            let mergedAssets = BrandingRules.merge(branding.assets, assets)
            guard mergedAssets.count <= BrandingRules.assetLimit else {
                throw .invalidParameter("A style has at most \(BrandingRules.assetLimit) assets.")
            }
            if settings != nil || assets != nil || useCognitoProvidedValues == false { branding.useCognitoProvidedValues = false }
            branding.settings = merged.map(BrandingSettings.init(document:))
            branding.assets = mergedAssets
        }
        branding.updatedAt = context.clock.now()
        let updated = branding
        try await context.store { try await context.storage.branding.update(updated) }
        return updated
    }

    /// DeleteManagedLoginBranding.
    public func deleteBranding(poolID: String, id: String) async throws(LocalPoolError) {
        _ = try await branding(poolID: poolID, id: id)
        try await context.store { try await context.storage.branding.deleteBranding(poolID: poolID, id: id) }
    }

    /// What the hosted pages of `client` take from its style, or nil when it has none.
    func brandingStyle(_ client: ClientRecord) async -> BrandingStyle? {
        guard let branding = try? await context.storage.branding.branding(clientID: client.id) else { return nil }
        return BrandingStyle(branding)
    }
}
