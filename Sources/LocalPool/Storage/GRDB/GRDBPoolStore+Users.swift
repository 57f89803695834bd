import GRDB

extension GRDBPoolStore: UserRepository {
    func create(_ user: UserRecord) async throws -> Bool {
        try await write { db in
            guard try UserRow.fetchOne(db, key: ["poolId": user.poolId, "username": user.username])?.value == nil else { return false }
            try UserRow(user).insert(db)
            return true
        }
    }

    func user(poolID: String, name: String) async throws -> UserRecord? {
        try await read { db in try Self.user(poolID: poolID, name: name, in: db) }
    }

    func update(
        poolID: String,
        username: String,
        now: Double,
        _ change: @escaping @Sendable (inout UserRecord) throws -> Void
    ) async throws -> UserRecord? {
        try await write { db in
            guard var user = try UserRow.fetchOne(db, key: ["poolId": poolID, "username": username])?.value else { return nil }
            do { try change(&user) } catch { throw Passthrough(error: error) }
            user.updatedAt = now
            try UserRow(user).update(db)
            return user
        }
    }

    func delete(poolID: String, username: String) async throws {
        // Codes and memberships go by the schema's cascades.
        try await write { db in
            try RefreshTokenRecord.filter(Column("poolId") == poolID && Column("username") == username).deleteAll(db)
            _ = try UserRow.deleteOne(db, key: ["poolId": poolID, "username": username])
        }
    }

    func signOutEverywhere(poolID: String, username: String, now: Double) async throws {
        try await write { db in
            try RefreshTokenRecord
                .filter(Column("poolId") == poolID && Column("username") == username && Column("revokedAt") == nil)
                .updateAll(db, Column("revokedAt").set(to: now))
            guard var user = try UserRow.fetchOne(db, key: ["poolId": poolID, "username": username])?.value else { return }
            user.signOutEverywhere(at: now)
            try UserRow(user).update(db)
        }
    }

    func users(poolID: String) async throws -> [UserRecord] {
        try await read { db in try UserRow.filter(Column("poolId") == poolID).order(Column("username")).fetchAll(db).map(\.value) }
    }

    func countAttempt(poolID: String, name: String, now: Double) async throws -> AttemptCount {
        try await write { db in
            guard let user = try Self.user(poolID: poolID, name: name, in: db) else { return .missing }
            let (outcome, counted) = Lockout.count(user, now: now)
            if let counted { try UserRow(counted).update(db) }
            return outcome
        }
    }

    func countPhantomAttempt(poolID: String, username: String, now: Double) async throws -> Bool {
        try await write { db in
            let stored = try PhantomLockoutRecord.fetchOne(db, key: ["poolId": poolID, "username": username])
            if stored == nil {
                // Stale counters go when a new name is counted.
                try db.execute(
                    sql: "DELETE FROM phantomLockout WHERE lastAttempt < ? AND lockedUntil < ?",
                    arguments: [now - Lockout.memory, now]
                )
            }
            guard let counted = Lockout.countPhantom(stored, poolID: poolID, username: username, now: now) else { return false }
            try counted.save(db)
            return true
        }
    }

    func finishSignInStep(
        poolID: String,
        username: String,
        now: Double,
        change: @escaping @Sendable (inout UserRecord) -> Void,
        answered: String?,
        leftover: SignInLeftover?
    ) async throws -> (user: UserRecord, groups: [GroupRecord])? {
        try await write { db in
            guard var user = try UserRow.fetchOne(db, key: ["poolId": poolID, "username": username])?.value else { return nil }
            change(&user)
            user.updatedAt = now
            try UserRow(user).update(db)
            if let answered { _ = try AuthSessionRecord.deleteOne(db, key: answered) }
            switch leftover {
            case .refreshToken(let token): try token.insert(db)
            case .challenge(let challenge): try challenge.insert(db)
            case nil: break
            }
            return (user, try Self.groups(ofUser: username, poolID: poolID, in: db))
        }
    }

    /// The user called `name`, or whose `sub` it is.
    static func user(poolID: String, name: String, in db: Database) throws -> UserRecord? {
        try UserRow.fetchOne(db, key: ["poolId": poolID, "username": name])?.value
            ?? UserRow.filter(Column("poolId") == poolID && Column("sub") == name).fetchOne(db)?.value
    }
}

extension GRDBPoolStore: GroupRepository {
    func create(_ group: GroupRecord) async throws -> Bool {
        try await write { db in
            guard try GroupRow.fetchOne(db, key: ["poolId": group.poolId, "name": group.name])?.value == nil else { return false }
            try GroupRow(group).insert(db)
            return true
        }
    }

    func group(poolID: String, name: String) async throws -> GroupRecord? {
        try await read { db in try GroupRow.fetchOne(db, key: ["poolId": poolID, "name": name])?.value }
    }

    func update(_ group: GroupRecord) async throws {
        try await write { db in try GroupRow(group).update(db) }
    }

    func deleteGroup(poolID: String, name: String) async throws {
        try await write { db in _ = try GroupRow.deleteOne(db, key: ["poolId": poolID, "name": name]) }
    }

    func groups(poolID: String, after: String, limit: Int) async throws -> [GroupRecord] {
        try await read { db in
            try GroupRow.filter(Column("poolId") == poolID && Column("name") > after).order(Column("name")).limit(limit).fetchAll(db).map(\.value)
        }
    }

    func addMember(poolID: String, group: String, username: String) async throws {
        try await write { db in try GroupMemberRecord(poolId: poolID, groupName: group, username: username).insert(db, onConflict: .ignore) }
    }

    func removeMember(poolID: String, group: String, username: String) async throws {
        try await write { db in _ = try GroupMemberRecord.deleteOne(db, key: ["poolId": poolID, "groupName": group, "username": username]) }
    }

    func groups(ofUser username: String, poolID: String) async throws -> [GroupRecord] {
        try await read { db in try Self.groups(ofUser: username, poolID: poolID, in: db) }
    }

    func members(poolID: String, group: String, after: String, limit: Int) async throws -> [UserRecord] {
        try await read { db in
            try UserRow.filter(
                sql: "poolId = ? AND username > ? AND username IN (SELECT username FROM groupMember WHERE poolId = ? AND groupName = ?)",
                arguments: [poolID, after, poolID, group]
            ).order(Column("username")).limit(limit).fetchAll(db).map(\.value)
        }
    }

    /// The groups of `username` in token order, inside a transaction already open.
    static func groups(ofUser username: String, poolID: String, in db: Database) throws -> [GroupRecord] {
        let query = try db.cachedStatement(
            sql: "SELECT * FROM userGroup WHERE poolId = ? AND name IN (SELECT groupName FROM groupMember WHERE poolId = ? AND username = ?)"
        )
        return GroupRecord.tokenOrder(try GroupRow.fetchAll(query, arguments: [poolID, poolID, username]).map(\.value))
    }
}
