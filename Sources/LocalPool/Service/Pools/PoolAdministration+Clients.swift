import Foundation
import GatehouseCore

/// App clients.
extension PoolAdministration {
    /// Creates an app client; with `generateSecret` it is confidential.
    public func createClient(
        poolID: String,
        name: String,
        generateSecret: Bool,
        settings: ClientSettings
    ) async throws(LocalPoolError) -> ClientRecord {
        _ = try await pool(poolID)
        try await checkOAuthSettings(settings, poolID: poolID, hasSecret: generateSecret)
        try await checkClientAttributes(settings, poolID: poolID, creating: true)
        let client = ClientRecord(
            id: Identifiers.clientID(),
            poolId: poolID,
            name: name,
            secret: generateSecret ? Identifiers.clientSecret() : nil,
            settings: settings,
            createdAt: context.clock.now()
        )
        defer { context.caches.clientsChanged() }
        try await context.store { try await context.storage.pools.create(client) }
        return client
    }

    /// Adds `origin + "/"` to the callback and logout URLs of client `id` when it is not there yet
    /// (`gatehouse serve` moved to another app origin). Returns the client as stored.
    public func registerAppOrigin(_ origin: String, clientID id: String) async throws(LocalPoolError) -> ClientRecord {
        var client = try await client(id)
        let url = origin + "/"
        guard !client.settings.callbackURLs.contains(url) || !client.settings.logoutURLs.contains(url) else { return client }
        if !client.settings.callbackURLs.contains(url) { client.settings.callbackURLs.append(url) }
        if !client.settings.logoutURLs.contains(url) { client.settings.logoutURLs.append(url) }
        return try await store(client)
    }

    /// The client `id` (of `poolID` when given), or `ResourceNotFoundException`.
    public func client(_ id: String, poolID: String? = nil) async throws(LocalPoolError) -> ClientRecord {
        guard InputPatterns.isClientID(id) else { throw .resourceNotFound("User pool client does not exist.") }
        // Clients change only through `registerAppOrigin`, `updateClient` and `deleteClient`, which clear this cache.
        var found = context.caches.client(id)
        if found == nil {
            found = try await context.store { try await context.storage.pools.client(id: id) }
            if let found { context.caches.remember(found) }
        }
        guard let found, poolID == nil || found.poolId == poolID else {
            throw .resourceNotFound("User pool client \(id) does not exist.")
        }
        return found
    }

    /// The clients of `poolID`.
    public func clients(poolID: String) async throws(LocalPoolError) -> [ClientRecord] {
        try await context.store { try await context.storage.pools.clients(poolID: poolID) }
    }

    /// Replaces client `id`'s settings (and its name when given), as `UpdateUserPoolClient` does:
    /// its id and secret stay.
    public func updateClient(_ id: String, poolID: String, name: String?, settings: ClientSettings) async throws(LocalPoolError) -> ClientRecord {
        var client = try await client(id, poolID: poolID)
        try await checkOAuthSettings(settings, poolID: poolID, hasSecret: client.secret != nil)
        try await checkClientAttributes(settings, poolID: poolID, creating: false)
        if let name { client.name = name }
        client.settings = settings
        return try await store(client)
    }

    func store(_ client: ClientRecord) async throws(LocalPoolError) -> ClientRecord {
        defer { context.caches.clientsChanged() }
        try await context.store { try await context.storage.pools.update(client) }
        return client
    }

    /// Deletes client `id` of `poolID`, with its refresh tokens, unredeemed codes and UI customization: its
    /// tokens stop refreshing, and the API stops trusting it.
    public func deleteClient(_ id: String, poolID: String) async throws(LocalPoolError) {
        _ = try await client(id, poolID: poolID)
        defer { context.caches.clientsChanged() }
        try await context.store { try await context.storage.pools.deleteClient(id: id) }
        // Its hosted-UI customization goes with it.
        if try await pool(poolID).uiCustomizations?[id] != nil {
            _ = try await change(poolID) { pool in pool.uiCustomizations?[id] = nil }
        }
    }

    /// The logout target for `client_id` + `logout_uri`, when the URI is registered.
    public func logoutTarget(clientID: String?, logoutURI: String?) async -> String? {
        guard let clientID, let logoutURI, let client = try? await client(clientID), client.settings.logoutURLs.contains(logoutURI) else {
            return nil
        }
        return logoutURI
    }

    /// Origins of the pool's clients' callback and logout URLs: the browser apps allowed to call
    /// the token, revoke and userInfo endpoints.
    public func browserOrigins() async -> Set<String> {
        await context.caches.origins {
            let clients = (try? await context.storage.pools.clients(poolID: nil)) ?? []
            var origins = Set<String>()
            for client in clients {
                for url in client.settings.callbackURLs + client.settings.logoutURLs {
                    if let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host {
                        origins.insert("\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? ""))
                    }
                }
            }
            return origins
        }
    }
}
