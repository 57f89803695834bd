import GatehouseCore

/// The classic hosted UI's customization: CSS and a logo per app client or for all of them.
extension PoolAdministration {
    /// SetUICustomization: the customization of `clientID` (nil or `ALL`: every client without
    /// its own). Setting neither CSS nor an image removes it.
    public func setUICustomization(
        poolID: String,
        clientID: String?,
        css: String?,
        image: [UInt8]?
    ) async throws(LocalPoolError) -> (
        key: String, UICustomization?
    ) {
        let key = clientID ?? UICustomizationRules.allClients
        if key != UICustomizationRules.allClients { _ = try await client(key, poolID: poolID) }
        try UICustomizationRules.check(css: css, image: image)
        let now = context.clock.now()
        let pool = try await change(poolID) { pool in
            var all = pool.uiCustomizations ?? [:]
            if css == nil && image == nil {
                all[key] = nil
            } else {
                all[key] = UICustomization(css: css, image: image, createdAt: all[key]?.createdAt ?? now, updatedAt: now)
            }
            pool.uiCustomizations = all.isEmpty ? nil : all
        }
        return (key, pool.uiCustomizations?[key])
    }

    /// GetUICustomization: the customization `clientID` gets (its own, else the pool's `ALL`), and
    /// the key it is stored under.
    public func uiCustomization(poolID: String, clientID: String?) async throws(LocalPoolError) -> (key: String, UICustomization?) {
        let pool = try await pool(poolID)
        let key = clientID ?? UICustomizationRules.allClients
        if key != UICustomizationRules.allClients { _ = try await client(key, poolID: poolID) }
        if let own = pool.uiCustomizations?[key] { return (key, own) }
        return (UICustomizationRules.allClients, pool.uiCustomizations?[UICustomizationRules.allClients])
    }
}
