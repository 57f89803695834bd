extension MemoryPoolStore: ProviderLinkRepository {
    func link(_ link: ProviderLinkRecord) async throws -> LinkOutcome {
        try transaction { tables in
            let user = Key(poolID: link.poolId, name: link.username)
            guard tables.users[user] != nil else { return .noUser }
            let key = LinkKey(poolID: link.poolId, provider: link.providerName, subject: link.subject)
            guard tables.providerLinks[key] == nil else { return .taken }
            guard tables.providerLinks.values.filter({ $0.poolId == link.poolId && $0.username == link.username }).count < Identities.limit else {
                return .limit
            }
            tables.providerLinks[key] = link
            let attributes = tables.users[user]?.attributes ?? []
            tables.users[user]?.attributes = Identities.updating(
                attributes,
                provider: link.providerName,
                subject: link.subject,
                adding: true,
                now: link.createdAt
            )
            tables.users[user]?.updatedAt = link.createdAt
            return .linked
        }
    }

    func linkedUsername(poolID: String, provider: String, subject: String) async throws -> String? {
        try transaction { tables in tables.providerLinks[LinkKey(poolID: poolID, provider: provider, subject: subject)]?.username }
    }

    func unlink(poolID: String, provider: String, subject: String, now: Double) async throws -> Bool {
        try transaction { tables in
            let key = LinkKey(poolID: poolID, provider: provider, subject: subject)
            guard let link = tables.providerLinks.removeValue(forKey: key) else { return false }
            let user = Key(poolID: poolID, name: link.username)
            if let attributes = tables.users[user]?.attributes {
                tables.users[user]?.attributes = Identities.updating(attributes, provider: provider, subject: subject, adding: false, now: now)
                tables.users[user]?.updatedAt = now
            }
            return true
        }
    }
}
