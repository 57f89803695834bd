import GRDB

extension GRDBPoolStore: ProviderLinkRepository {
    func link(_ link: ProviderLinkRecord) async throws -> LinkOutcome {
        try await write { db in
            guard var user = try UserRow.fetchOne(db, key: ["poolId": link.poolId, "username": link.username])?.value else { return .noUser }
            let key: [String: any DatabaseValueConvertible] = ["poolId": link.poolId, "providerName": link.providerName, "subject": link.subject]
            guard try ProviderLinkRow.fetchOne(db, key: key) == nil else { return .taken }
            let mine = try ProviderLinkRow.filter(Column("poolId") == link.poolId && Column("username") == link.username).fetchCount(db)
            guard mine < Identities.limit else { return .limit }
            try ProviderLinkRow(link).insert(db)
            user.attributes = Identities.updating(
                user.attributes,
                provider: link.providerName,
                subject: link.subject,
                adding: true,
                now: link.createdAt
            )
            user.updatedAt = link.createdAt
            try UserRow(user).update(db)
            return .linked
        }
    }

    func linkedUsername(poolID: String, provider: String, subject: String) async throws -> String? {
        try await read { db in
            try ProviderLinkRow.fetchOne(db, key: ["poolId": poolID, "providerName": provider, "subject": subject])?.value.username
        }
    }

    func unlink(poolID: String, provider: String, subject: String, now: Double) async throws -> Bool {
        try await write { db in
            guard let link = try ProviderLinkRow.fetchOne(db, key: ["poolId": poolID, "providerName": provider, "subject": subject])?.value else {
                return false
            }
            _ = try ProviderLinkRow.deleteOne(db, key: ["poolId": poolID, "providerName": provider, "subject": subject])
            if var user = try UserRow.fetchOne(db, key: ["poolId": poolID, "username": link.username])?.value {
                user.attributes = Identities.updating(user.attributes, provider: provider, subject: subject, adding: false, now: now)
                user.updatedAt = now
                try UserRow(user).update(db)
            }
            return true
        }
    }
}
