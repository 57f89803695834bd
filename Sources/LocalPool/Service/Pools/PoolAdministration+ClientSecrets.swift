import GatehouseCore

/// A confidential client's secrets, rotated without downtime: up to two at once, each accepted
/// until it is deleted (Cognito's AddUserPoolClientSecret and its two siblings).
extension PoolAdministration {
    /// How many secrets a client may have at once.
    public static let maximumClientSecrets = 2

    /// Adds a secret to confidential client `id`: `value` when given (24 to 64 of `[\w+]`), else
    /// a new one. Its value is answered only here.
    public func addClientSecret(_ id: String, poolID: String, value: String?) async throws(LocalPoolError) -> ClientSecretRecord {
        var client = try await client(id, poolID: poolID)
        guard client.secret != nil else {
            throw .invalidParameter("Client \(id) has no secret: only a confidential client can have secrets added.")
        }
        if let value {
            guard (24...64).contains(value.count), value.unicodeScalars.allSatisfy({ InputPatterns.isWordASCII($0) || $0 == "+" }) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'clientSecret' failed to satisfy constraint: "
                        + "Member must have length between 24 and 64 and satisfy regular expression pattern: [\\w+]+"
                )
            }
        }
        var secrets = client.secrets
        guard secrets.count < Self.maximumClientSecrets else {
            throw LocalPoolError(.limitExceeded, "Client \(id) already has \(Self.maximumClientSecrets) secrets: delete one first.")
        }
        let added = ClientSecretRecord(id: Identifiers.uuid(), value: value ?? Identifiers.clientSecret(), createdAt: context.clock.now())
        secrets.append(added)
        client.secretList = secrets
        client.secret = secrets[0].value
        _ = try await store(client)
        return added
    }

    /// The secrets of client `id`, oldest first.
    public func clientSecrets(_ id: String, poolID: String) async throws(LocalPoolError) -> [ClientSecretRecord] {
        try await client(id, poolID: poolID).secrets
    }

    /// Deletes secret `secretID` of client `id`: it is refused from now on. The last one stays.
    public func deleteClientSecret(_ secretID: String, clientID id: String, poolID: String) async throws(LocalPoolError) {
        var client = try await client(id, poolID: poolID)
        var secrets = client.secrets
        guard let index = secrets.firstIndex(where: { $0.id == secretID }) else {
            throw .resourceNotFound("Client secret \(secretID.prefix(128)) does not exist.")
        }
        guard secrets.count > 1 else {
            throw .invalidParameter("You cannot delete the last remaining secret of client \(id).")
        }
        secrets.remove(at: index)
        client.secretList = secrets
        client.secret = secrets[0].value
        _ = try await store(client)
    }
}
