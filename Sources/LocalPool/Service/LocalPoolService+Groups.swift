import Foundation
import GRDB
import GatehouseCore

/// Groups: created, listed, changed and deleted, users added and removed; their names go into
/// the tokens as `cognito:groups`.
extension LocalPoolService {
    /// Creates group `name` in `poolID`.
    public func createGroup(
        poolID: String,
        name: String,
        description: String?,
        roleArn: String?,
        precedence: Int?
    ) async throws(LocalPoolError) -> GroupRecord {
        _ = try await pool(poolID)
        try Self.checkGroupName(name)
        let now = clock.now()
        let group = GroupRecord(
            poolId: poolID,
            name: name,
            groupDescription: description,
            roleArn: roleArn,
            precedence: precedence,
            createdAt: now,
            updatedAt: now
        )
        return try await write { db in
            guard try GroupRecord.fetchOne(db, key: ["poolId": poolID, "name": name]) == nil else {
                throw LocalPoolError(.groupExists, "A group with the name \(name) already exists.")
            }
            try group.insert(db)
            return group
        }
    }

    /// The group `name` of `poolID`, or `ResourceNotFoundException`.
    public func group(poolID: String, name: String) async throws(LocalPoolError) -> GroupRecord {
        _ = try await pool(poolID)
        guard InputPatterns.isUsername(name) else { throw .resourceNotFound("Group not found.") }
        guard let group = try await read({ db in try GroupRecord.fetchOne(db, key: ["poolId": poolID, "name": name]) }) else {
            throw .resourceNotFound("Group not found.")
        }
        return group
    }

    /// Changes what is given of a group's description, role and precedence.
    public func updateGroup(
        poolID: String,
        name: String,
        description: String?,
        roleArn: String?,
        precedence: Int?
    ) async throws(LocalPoolError) -> GroupRecord {
        var group = try await self.group(poolID: poolID, name: name)
        if let description { group.groupDescription = description }
        if let roleArn { group.roleArn = roleArn }
        if let precedence { group.precedence = precedence }
        group.updatedAt = clock.now()
        let updated = group
        try await write { db in try updated.update(db) }
        return updated
    }

    /// Deletes a group; its members lose it.
    public func deleteGroup(poolID: String, name: String) async throws(LocalPoolError) {
        let group = try await self.group(poolID: poolID, name: name)
        try await write { db in _ = try GroupRecord.deleteOne(db, key: ["poolId": group.poolId, "name": group.name]) }
    }

    /// A page of `poolID`'s groups by name, after the one `after` names.
    public func groups(poolID: String, limit: Int, after: String?) async throws(LocalPoolError) -> (groups: [GroupRecord], next: String?) {
        _ = try await pool(poolID)
        let groups = try await read { db in
            try GroupRecord.filter(Column("poolId") == poolID && Column("name") > (after ?? "")).order(Column("name"))
                .limit(limit + 1).fetchAll(db)
        }
        return Self.page(groups, limit: limit, key: \.name)
    }

    /// Adds `username` to group `groupName` (already a member: nothing changes).
    public func addUserToGroup(poolID: String, username: String, groupName: String) async throws(LocalPoolError) {
        let user = try await self.user(poolID: poolID, username: username)
        let group = try await self.group(poolID: poolID, name: groupName)
        try await write { db in
            try GroupMemberRecord(poolId: poolID, groupName: group.name, username: user.username).insert(db, onConflict: .ignore)
        }
    }

    /// Removes `username` from group `groupName`.
    public func removeUserFromGroup(poolID: String, username: String, groupName: String) async throws(LocalPoolError) {
        let user = try await self.user(poolID: poolID, username: username)
        let group = try await self.group(poolID: poolID, name: groupName)
        try await write { db in
            _ = try GroupMemberRecord.deleteOne(db, key: ["poolId": poolID, "groupName": group.name, "username": user.username])
        }
    }

    /// The groups of `username`, in token order, a page after the one `after` names.
    public func groups(
        ofUser username: String,
        poolID: String,
        limit: Int,
        after: String?
    ) async throws(LocalPoolError) -> (
        groups: [GroupRecord], next: String?
    ) {
        let user = try await self.user(poolID: poolID, username: username)
        let all = try await groups(of: user)
        let start = after.flatMap { name in all.firstIndex { $0.name == name }.map { $0 + 1 } } ?? 0
        return Self.page(Array(all[min(start, all.count)...]), limit: limit, key: \.name)
    }

    /// The members of group `groupName`, by username, a page after `after`.
    public func users(
        inGroup groupName: String,
        poolID: String,
        limit: Int,
        after: String?
    ) async throws(LocalPoolError) -> (
        users: [UserRecord], next: String?
    ) {
        let group = try await self.group(poolID: poolID, name: groupName)
        let users = try await read { db in
            try UserRecord.filter(
                sql: "poolId = ? AND username > ? AND username IN (SELECT username FROM groupMember WHERE poolId = ? AND groupName = ?)",
                arguments: [poolID, after ?? "", poolID, group.name]
            ).order(Column("username")).limit(limit + 1).fetchAll(db)
        }
        return Self.page(users, limit: limit, key: \.username)
    }

    /// The groups of `user` in the order of `cognito:groups`: by precedence (lowest first, groups
    /// without one last), then by name.
    func groups(of user: UserRecord) async throws(LocalPoolError) -> [GroupRecord] {
        try await read { db in try Self.groups(of: user, in: db) }
    }

    /// ``groups(of:)`` inside a transaction already open (the refresh's one read).
    static func groups(of user: UserRecord, in db: Database) throws -> [GroupRecord] {
        let query = try db.cachedStatement(
            sql: "SELECT * FROM userGroup WHERE poolId = ? AND name IN (SELECT groupName FROM groupMember WHERE poolId = ? AND username = ?)"
        )
        let groups = try GroupRecord.fetchAll(query, arguments: [user.poolId, user.poolId, user.username])
        return groups.sorted { left, right in
            switch (left.precedence, right.precedence) {
            case (let a?, let b?) where a != b: a < b
            case (.some, .none): true
            case (.none, .some): false
            default: left.name < right.name
            }
        }
    }

    /// The first `limit` of `items` (fetched one past the limit), and the key to continue after.
    static func page<T>(_ items: [T], limit: Int, key: KeyPath<T, String>) -> ([T], String?) {
        let page = Array(items.prefix(limit))
        return (page, items.count > limit ? page.last?[keyPath: key] : nil)
    }

    static func checkGroupName(_ name: String) throws(LocalPoolError) {
        guard InputPatterns.isUsername(name) else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'groupName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length 1 to 128"
            )
        }
    }
}
