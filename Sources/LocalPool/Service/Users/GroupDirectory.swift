import GatehouseCore

/// Groups: created, listed, changed and deleted, users added and removed; their names go into
/// the tokens as `cognito:groups`.
public struct GroupDirectory: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts

    /// Creates group `name` in `poolID`.
    public func createGroup(
        poolID: String,
        name: String,
        description: String?,
        roleArn: String?,
        precedence: Int?
    ) async throws(LocalPoolError) -> GroupRecord {
        _ = try await pools.pool(poolID)
        try Self.checkName(name)
        let now = context.clock.now()
        let group = GroupRecord(
            poolId: poolID,
            name: name,
            groupDescription: description,
            roleArn: roleArn,
            precedence: precedence,
            createdAt: now,
            updatedAt: now
        )
        guard try await context.store({ try await context.storage.groups.create(group) }) else {
            throw LocalPoolError(.groupExists, "A group with the name \(name) already exists.")
        }
        return group
    }

    /// The group `name` of `poolID`, or `ResourceNotFoundException`.
    public func group(poolID: String, name: String) async throws(LocalPoolError) -> GroupRecord {
        _ = try await pools.pool(poolID)
        guard InputPatterns.isUsername(name) else { throw .resourceNotFound("Group not found.") }
        guard let group = try await context.store({ try await context.storage.groups.group(poolID: poolID, name: name) }) else {
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
        group.updatedAt = context.clock.now()
        let updated = group
        try await context.store { try await context.storage.groups.update(updated) }
        return updated
    }

    /// Deletes a group; its members lose it.
    public func deleteGroup(poolID: String, name: String) async throws(LocalPoolError) {
        let group = try await self.group(poolID: poolID, name: name)
        try await context.store { try await context.storage.groups.deleteGroup(poolID: group.poolId, name: group.name) }
    }

    /// A page of `poolID`'s groups by name, after the one `after` names.
    public func groups(poolID: String, limit: Int, after: String?) async throws(LocalPoolError) -> (groups: [GroupRecord], next: String?) {
        _ = try await pools.pool(poolID)
        let groups = try await context.store { try await context.storage.groups.groups(poolID: poolID, after: after ?? "", limit: limit + 1) }
        return Self.page(groups, limit: limit, key: \.name)
    }

    /// Adds `username` to group `groupName` (already a member: nothing changes).
    public func addUserToGroup(poolID: String, username: String, groupName: String) async throws(LocalPoolError) {
        let user = try await users.user(poolID: poolID, username: username)
        let group = try await self.group(poolID: poolID, name: groupName)
        try await context.store { try await context.storage.groups.addMember(poolID: poolID, group: group.name, username: user.username) }
    }

    /// Removes `username` from group `groupName`.
    public func removeUserFromGroup(poolID: String, username: String, groupName: String) async throws(LocalPoolError) {
        let user = try await users.user(poolID: poolID, username: username)
        let group = try await self.group(poolID: poolID, name: groupName)
        try await context.store { try await context.storage.groups.removeMember(poolID: poolID, group: group.name, username: user.username) }
    }

    /// The groups of `username`, in token order, a page after the one `after` names.
    public func groups(
        ofUser username: String,
        poolID: String,
        limit: Int,
        after: String?
    ) async throws(LocalPoolError) -> (groups: [GroupRecord], next: String?) {
        let user = try await users.user(poolID: poolID, username: username)
        let all = try await context.store { try await context.storage.groups.groups(ofUser: user.username, poolID: poolID) }
        let start = after.flatMap { name in all.firstIndex { $0.name == name }.map { $0 + 1 } } ?? 0
        return Self.page(Array(all[min(start, all.count)...]), limit: limit, key: \.name)
    }

    /// The members of group `groupName`, by username, a page after `after`.
    public func users(
        inGroup groupName: String,
        poolID: String,
        limit: Int,
        after: String?
    ) async throws(LocalPoolError) -> (users: [UserRecord], next: String?) {
        let group = try await self.group(poolID: poolID, name: groupName)
        let members = try await context.store {
            try await context.storage.groups.members(poolID: poolID, group: group.name, after: after ?? "", limit: limit + 1)
        }
        return Self.page(members, limit: limit, key: \.username)
    }

    /// The first `limit` of `items` (fetched one past the limit), and the key to continue after.
    static func page<T>(_ items: [T], limit: Int, key: KeyPath<T, String>) -> ([T], String?) {
        let page = Array(items.prefix(limit))
        return (page, items.count > limit ? page.last?[keyPath: key] : nil)
    }

    static func checkName(_ name: String) throws(LocalPoolError) {
        guard InputPatterns.isUsername(name) else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'groupName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length 1 to 128"
            )
        }
    }
}
