extension MemoryPoolStore: UserRepository {
    func create(_ user: UserRecord) async throws -> Bool {
        try transaction { tables in
            let key = Key(poolID: user.poolId, name: user.username)
            guard tables.users[key] == nil else { return false }
            guard !tables.users.values.contains(where: { $0.poolId == user.poolId && $0.sub == user.sub }) else {
                throw StorageError(description: "sub \(user.sub) taken")
            }
            tables.users[key] = user
            return true
        }
    }

    func user(poolID: String, name: String) async throws -> UserRecord? {
        try transaction { $0.user(poolID: poolID, name: name) }
    }

    func update(
        poolID: String,
        username: String,
        now: Double,
        _ change: @escaping @Sendable (inout UserRecord) throws -> Void
    ) async throws -> UserRecord? {
        try transaction { tables in
            let key = Key(poolID: poolID, name: username)
            guard var user = tables.users[key] else { return nil }
            try change(&user)
            user.updatedAt = now
            tables.users[key] = user
            return user
        }
    }

    func delete(poolID: String, username: String) async throws {
        try transaction { $0.deleteUser(Key(poolID: poolID, name: username)) }
    }

    func signOutEverywhere(poolID: String, username: String, now: Double) async throws {
        try transaction { tables in
            for (hash, token) in tables.refreshTokens where token.poolId == poolID && token.username == username && token.revokedAt == nil {
                tables.refreshTokens[hash]?.revokedAt = now
            }
            tables.users[Key(poolID: poolID, name: username)]?.signOutEverywhere(at: now)
        }
    }

    func users(poolID: String) async throws -> [UserRecord] {
        try transaction { tables in tables.users.values.filter { $0.poolId == poolID }.sorted { $0.username < $1.username } }
    }

    func countAttempt(poolID: String, name: String, now: Double) async throws -> AttemptCount {
        try transaction { tables in
            guard let user = tables.user(poolID: poolID, name: name) else { return .missing }
            let (outcome, counted) = Lockout.count(user, now: now)
            if let counted { tables.users[Key(poolID: poolID, name: user.username)] = counted }
            return outcome
        }
    }

    func countPhantomAttempt(poolID: String, username: String, now: Double) async throws -> Bool {
        try transaction { tables in
            let key = Key(poolID: poolID, name: username)
            let stored = tables.phantoms[key]
            if stored == nil {
                tables.phantoms = tables.phantoms.filter { !($0.value.lastAttempt < now - Lockout.memory && $0.value.lockedUntil < now) }
            }
            guard let counted = Lockout.countPhantom(stored, poolID: poolID, username: username, now: now) else { return false }
            tables.phantoms[key] = counted
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
        try transaction { tables in
            let key = Key(poolID: poolID, name: username)
            guard var user = tables.users[key] else { return nil }
            change(&user)
            user.updatedAt = now
            tables.users[key] = user
            if let answered { tables.challenges[answered] = nil }
            switch leftover {
            case .refreshToken(let token): tables.refreshTokens[token.tokenHash] = token
            case .challenge(let challenge): tables.challenges[challenge.sessionHash] = challenge
            case nil: break
            }
            return (user, tables.groups(ofUser: username, poolID: poolID))
        }
    }
}

extension MemoryPoolStore: GroupRepository {
    func create(_ group: GroupRecord) async throws -> Bool {
        try transaction { tables in
            let key = Key(poolID: group.poolId, name: group.name)
            guard tables.groups[key] == nil else { return false }
            tables.groups[key] = group
            return true
        }
    }

    func group(poolID: String, name: String) async throws -> GroupRecord? {
        try transaction { $0.groups[Key(poolID: poolID, name: name)] }
    }

    func update(_ group: GroupRecord) async throws {
        try transaction { tables in
            let key = Key(poolID: group.poolId, name: group.name)
            if tables.groups[key] != nil { tables.groups[key] = group }
        }
    }

    func deleteGroup(poolID: String, name: String) async throws {
        try transaction { tables in
            let key = Key(poolID: poolID, name: name)
            tables.groups[key] = nil
            tables.members[key] = nil
        }
    }

    func groups(poolID: String, after: String, limit: Int) async throws -> [GroupRecord] {
        try transaction { tables in
            Array(tables.groups.values.filter { $0.poolId == poolID && $0.name > after }.sorted { $0.name < $1.name }.prefix(limit))
        }
    }

    func addMember(poolID: String, group: String, username: String) async throws {
        try transaction { tables in
            let key = Key(poolID: poolID, name: group)
            guard tables.groups[key] != nil, tables.users[Key(poolID: poolID, name: username)] != nil else {
                throw StorageError(description: "no group \(group) or user \(username)")
            }
            tables.members[key, default: []].insert(username)
        }
    }

    func removeMember(poolID: String, group: String, username: String) async throws {
        try transaction { _ = $0.members[Key(poolID: poolID, name: group)]?.remove(username) }
    }

    func groups(ofUser username: String, poolID: String) async throws -> [GroupRecord] {
        try transaction { $0.groups(ofUser: username, poolID: poolID) }
    }

    func members(poolID: String, group: String, after: String, limit: Int) async throws -> [UserRecord] {
        try transaction { tables in
            let names = tables.members[Key(poolID: poolID, name: group)] ?? []
            let users = names.filter { $0 > after }.sorted().compactMap { tables.users[Key(poolID: poolID, name: $0)] }
            return Array(users.prefix(limit))
        }
    }
}
