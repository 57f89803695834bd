import GatehouseCore

/// The pool's schema: custom attributes, and what app clients may read and write of it.
extension PoolAdministration {
    /// AddCustomAttributes: `attributes` (names without `custom:`) join the pool's schema.
    /// Existing users keep their values; nothing is ever removed from a schema, as in Cognito.
    public func addCustomAttributes(poolID: String, _ attributes: [SchemaAttribute]) async throws(LocalPoolError) {
        guard (1...25).contains(attributes.count) else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'customAttributes' failed to satisfy constraint: Member must have length between 1 and 25"
            )
        }
        _ = try await change(poolID) { pool throws(LocalPoolError) in
            pool.schema = try SchemaRules.adding(attributes, to: pool.schema ?? [])
        }
    }

    /// Checks a client's `ReadAttributes` and `WriteAttributes`: names of the pool's schema, no
    /// developer-only one, and nothing written that only a code or an admin may set.
    func checkClientAttributes(_ settings: ClientSettings, poolID: String, creating: Bool) async throws(LocalPoolError) {
        let visible = Set(PoolSchema(try await pool(poolID).schema).clientVisible)
        let action = creating ? "creating" : "updating"
        if let read = settings.readAttributes, !read.allSatisfy(visible.contains) {
            throw .invalidParameter("Invalid read attributes specified while \(action) a client")
        }
        if let write = settings.writeAttributes,
            !write.allSatisfy({ visible.contains($0) && $0 != "sub" && !AttributeRules.verifiedFlags.contains($0) })
        {
            throw .invalidParameter("Invalid write attributes specified while \(action) a client")
        }
    }
}
