import GatehouseCore

/// Resource servers, and the scopes app clients may be allowed: the standard ones and the
/// resource servers' own.
extension PoolAdministration {
    /// The scopes every pool has, besides its resource servers'.
    public static let standardScopes: Set<String> = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"]

    /// Creates resource server `identifier` in `poolID`.
    public func createResourceServer(
        poolID: String,
        identifier: String,
        name: String,
        scopes: [ResourceServerScope]
    ) async throws(LocalPoolError) -> ResourceServerRecord {
        _ = try await pool(poolID)
        let server = try ResourceServerRules.checked(ResourceServerRecord(poolId: poolID, identifier: identifier, name: name, scopes: scopes))
        defer { context.caches.resourceServersChanged(poolID: poolID) }
        guard try await context.store({ try await context.storage.resourceServers.create(server) }) else {
            throw .invalidParameter("\(identifier) already exists in user pool \(poolID).")
        }
        return server
    }

    /// The resource server `identifier` of `poolID`, or `ResourceNotFoundException`.
    public func resourceServer(poolID: String, identifier: String) async throws(LocalPoolError) -> ResourceServerRecord {
        _ = try await pool(poolID)
        try ResourceServerRules.checkIdentifier(identifier)
        guard
            let server = try await context.store({ try await context.storage.resourceServers.resourceServer(poolID: poolID, identifier: identifier) })
        else {
            throw .resourceNotFound("Resource server \(identifier) does not exist.")
        }
        return server
    }

    /// The resource servers of `poolID`, by identifier.
    public func resourceServers(poolID: String) async throws(LocalPoolError) -> [ResourceServerRecord] {
        _ = try await pool(poolID)
        return try await context.store { try await context.storage.resourceServers.resourceServers(poolID: poolID) }
    }

    /// Replaces the name and scopes of resource server `identifier`, as UpdateResourceServer does
    /// (scopes left out are gone: tokens stop carrying them, and clients keep only the names).
    public func updateResourceServer(
        poolID: String,
        identifier: String,
        name: String,
        scopes: [ResourceServerScope]
    ) async throws(LocalPoolError) -> ResourceServerRecord {
        _ = try await pool(poolID)
        let server = try ResourceServerRules.checked(ResourceServerRecord(poolId: poolID, identifier: identifier, name: name, scopes: scopes))
        defer { context.caches.resourceServersChanged(poolID: poolID) }
        guard try await context.store({ try await context.storage.resourceServers.update(server) }) else {
            throw .resourceNotFound("Resource server \(identifier) does not exist.")
        }
        return server
    }

    /// Deletes resource server `identifier` of `poolID`: its scopes are granted no more.
    public func deleteResourceServer(poolID: String, identifier: String) async throws(LocalPoolError) {
        _ = try await pool(poolID)
        try ResourceServerRules.checkIdentifier(identifier)
        defer { context.caches.resourceServersChanged(poolID: poolID) }
        guard try await context.store({ try await context.storage.resourceServers.deleteResourceServer(poolID: poolID, identifier: identifier) })
        else {
            throw .resourceNotFound("Resource server \(identifier) does not exist.")
        }
    }

    /// Every scope a client of `poolID` may be allowed now: the standard ones and each resource
    /// server's.
    func existingScopes(poolID: String) async throws(LocalPoolError) -> Set<String> {
        try await context.caches.scopes(poolID: poolID) { () throws(LocalPoolError) -> Set<String> in
            let servers = try await context.store { try await context.storage.resourceServers.resourceServers(poolID: poolID) }
            return Self.standardScopes.union(servers.flatMap(\.scopeNames))
        }
    }

    /// The scopes `client` may be granted now: those it is allowed that still exist.
    func grantableScopes(_ client: ClientRecord) async throws(LocalPoolError) -> [String] {
        let allowed = client.settings.allowedOAuthScopes
        guard allowed.contains(where: { !Self.standardScopes.contains($0) }) else { return allowed }
        let existing = try await existingScopes(poolID: client.poolId)
        return allowed.filter { existing.contains($0) }
    }

    /// Cognito's rules on a client's OAuth settings: scopes that exist, and `client_credentials`
    /// only alone and only for a client with a secret.
    func checkOAuthSettings(_ settings: ClientSettings, poolID: String, hasSecret: Bool) async throws(LocalPoolError) {
        let flows = settings.allowedOAuthFlows
        if flows.contains(where: { !["code", "implicit", "client_credentials"].contains($0) }) {
            throw .invalidParameter(
                "1 validation error detected: Value at 'allowedOAuthFlows' failed to satisfy constraint: "
                    + "Member must satisfy constraint: [Member must satisfy enum value set: [implicit, client_credentials, code]]"
            )
        }
        if flows.contains("client_credentials") {
            guard !flows.contains("code"), !flows.contains("implicit") else {
                throw LocalPoolError(.invalidOAuthFlow, "client_credentials flow can not be selected along with code flow or implicit flow.")
            }
            guard hasSecret else {
                throw LocalPoolError(.invalidOAuthFlow, "client_credentials flow can not be selected if client does not have a client secret.")
            }
        }
        let named = settings.identityProviders.filter { $0 != "COGNITO" }
        if !named.isEmpty {
            let known = Set(try await identityProviders(poolID: poolID).map(\.providerName))
            if let missing = named.first(where: { !known.contains($0) }) {
                throw .invalidParameter("The provider \(missing.prefix(32)) does not exist for User Pool \(poolID)")
            }
        }
        guard settings.allowedOAuthScopes.contains(where: { !Self.standardScopes.contains($0) }) else { return }
        let existing = try await existingScopes(poolID: poolID)
        if let missing = settings.allowedOAuthScopes.first(where: { !existing.contains($0) }) {
            // The name is echoed as Cognito does; it passed the model's length limit.
            throw LocalPoolError(.scopeDoesNotExist, "Invalid scope requested: \(missing.prefix(256))")
        }
    }
}
