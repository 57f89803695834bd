import GRDB
import GatehouseCore

extension LocalPoolService {
    /// Creates a pool with its two signing keys.
    public func createPool(
        name: String,
        region: String = "us-east-1",
        allowAdminCreateUserOnly: Bool = false,
        passwordPolicy: PasswordPolicy? = nil
    ) async throws(LocalPoolError)
        -> PoolRecord
    {
        let now = clock.now()
        let pool = PoolRecord(
            id: Identifiers.poolID(region: region),
            name: name,
            allowAdminCreateUserOnly: allowAdminCreateUserOnly,
            createdAt: now,
            updatedAt: now,
            passwordPolicy: passwordPolicy
        )
        return try await write { db in
            try pool.insert(db)
            try KeyRing.createKeys(poolID: pool.id, now: now, in: db)
            return pool
        }
    }

    /// The pool `id`, or `ResourceNotFoundException`.
    public func pool(_ id: String) async throws(LocalPoolError) -> PoolRecord {
        guard InputPatterns.isPoolID(id) else {
            // Never echo the value: it may be anything, of any size.
            throw .invalidParameter(
                "1 validation error detected: Value at 'userPoolId' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+ and have length less than or equal to 55"
            )
        }
        if let cached = caches.pool(id) { return cached }
        let found = try await read { db in try PoolRecord.fetchOne(db, key: id) }
        guard let found else { throw .resourceNotFound("User pool \(id) does not exist.") }
        caches.remember(found)
        return found
    }

    /// Replaces a pool's settings (UpdateUserPool: what the request leaves out is the default).
    public func updatePool(
        _ id: String,
        allowAdminCreateUserOnly: Bool,
        passwordPolicy: PasswordPolicy? = nil
    ) async throws(LocalPoolError) -> PoolRecord {
        var pool = try await self.pool(id)
        pool.allowAdminCreateUserOnly = allowAdminCreateUserOnly
        pool.passwordPolicy = passwordPolicy
        pool.updatedAt = clock.now()
        let updated = pool
        try await write { db in try updated.update(db) }
        caches.remember(updated)
        return updated
    }

    /// Every pool, oldest first.
    public func pools() async throws(LocalPoolError) -> [PoolRecord] {
        try await read { db in try PoolRecord.order(Column("createdAt")).fetchAll(db) }
    }

    /// Creates an app client; with `generateSecret` it is confidential.
    public func createClient(
        poolID: String,
        name: String,
        generateSecret: Bool,
        settings: ClientSettings
    ) async throws(LocalPoolError) -> ClientRecord {
        _ = try await pool(poolID)
        let client = ClientRecord(
            id: Identifiers.clientID(),
            poolId: poolID,
            name: name,
            secret: generateSecret ? Identifiers.clientSecret() : nil,
            settings: settings,
            createdAt: clock.now()
        )
        defer { caches.clientsChanged() }
        return try await write { db in
            try client.insert(db)
            return client
        }
    }

    /// Adds `origin + "/"` to the callback and logout URLs of client `id` when it is not there yet
    /// (`gatehouse serve` moved to another app origin). Returns the client as stored.
    public func registerAppOrigin(_ origin: String, clientID id: String) async throws(LocalPoolError) -> ClientRecord {
        var client = try await client(id)
        let url = origin + "/"
        guard !client.settings.callbackURLs.contains(url) || !client.settings.logoutURLs.contains(url) else { return client }
        if !client.settings.callbackURLs.contains(url) { client.settings.callbackURLs.append(url) }
        if !client.settings.logoutURLs.contains(url) { client.settings.logoutURLs.append(url) }
        defer { caches.clientsChanged() }
        return try await write { [client] db in
            try client.update(db)
            return client
        }
    }

    /// The client `id` (of `poolID` when given), or `ResourceNotFoundException`.
    public func client(_ id: String, poolID: String? = nil) async throws(LocalPoolError) -> ClientRecord {
        guard InputPatterns.isClientID(id) else { throw .resourceNotFound("User pool client does not exist.") }
        // Clients change only through `registerAppOrigin`, `updateClient` and `deleteClient`, which clear this cache.
        var found = caches.client(id)
        if found == nil {
            found = try await read { db in try ClientRecord.fetchOne(db, key: id) }
            if let found { caches.remember(found) }
        }
        guard let found, poolID == nil || found.poolId == poolID else {
            throw .resourceNotFound("User pool client \(id) does not exist.")
        }
        return found
    }

    /// The clients of `poolID`.
    public func clients(poolID: String) async throws(LocalPoolError) -> [ClientRecord] {
        try await read { db in try ClientRecord.filter(Column("poolId") == poolID).order(Column("createdAt")).fetchAll(db) }
    }

    /// Replaces client `id`'s settings (and its name when given), as `UpdateUserPoolClient` does:
    /// its id and secret stay.
    public func updateClient(_ id: String, poolID: String, name: String?, settings: ClientSettings) async throws(LocalPoolError) -> ClientRecord {
        var client = try await client(id, poolID: poolID)
        if let name { client.name = name }
        client.settings = settings
        defer { caches.clientsChanged() }
        return try await write { [client] db in
            try client.update(db)
            return client
        }
    }

    /// Deletes client `id` of `poolID`, with its refresh tokens and unredeemed codes: its
    /// tokens stop refreshing, and the API stops trusting it.
    public func deleteClient(_ id: String, poolID: String) async throws(LocalPoolError) {
        _ = try await client(id, poolID: poolID)
        defer { caches.clientsChanged() }
        try await write { db in
            try RefreshTokenRecord.filter(Column("clientId") == id).deleteAll(db)
            try AuthCodeRecord.filter(Column("clientId") == id).deleteAll(db)
            _ = try ClientRecord.deleteOne(db, key: id)
        }
    }

    /// Deletes pool `id` with its clients, users, keys and tokens.
    public func deletePool(_ id: String) async throws(LocalPoolError) {
        _ = try await pool(id)
        defer {
            caches.forgetPool(id)
            caches.clientsChanged()
        }
        try await write { db in _ = try PoolRecord.deleteOne(db, key: id) }
    }
}
