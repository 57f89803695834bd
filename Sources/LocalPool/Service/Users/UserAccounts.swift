import GatehouseCore

/// Users and their attributes: created, read, changed, listed, signed out and deleted, and the
/// passwords they keep (bcrypt for passwords, a verifier for SRP).
public struct UserAccounts: Sendable {
    let context: PoolContext
    let pools: PoolAdministration

    /// Creates a user who must set a new password at first sign-in (`FORCE_CHANGE_PASSWORD`), or
    /// one in another `status` (a user migrated by the UserMigration trigger).
    public func createUser(
        poolID: String,
        username: String,
        attributes: [UserRecord.Attribute],
        temporaryPassword: String?,
        status: UserStatus = .forceChangePassword
    ) async throws(LocalPoolError) -> UserRecord {
        let schema = PoolSchema(try await pools.pool(poolID).schema)
        guard InputPatterns.isUsername(username) else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'username' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length 1 to 128"
            )
        }
        try AttributeRules.check(attributes, schema: schema, creating: true)
        let password = try await storedPassword(temporaryPassword ?? Self.generatedPassword(), poolID: poolID, username: username)
        let now = context.clock.now()
        var merged: [UserRecord.Attribute] = []
        for attribute in attributes {
            merged.removeAll { $0.name == attribute.name }
            merged.append(attribute)
        }
        try AttributeRules.checkRequired(merged, schema: schema)
        var user = UserRecord(
            poolId: poolID,
            username: username,
            sub: Identifiers.uuid(),
            attributes: merged,
            enabled: true,
            status: status,
            tokensValidAfter: 0,
            failedAttempts: 0,
            lockedUntil: 0,
            createdAt: now,
            updatedAt: now
        )
        password.apply(to: &user)
        let created = user
        guard try await context.store({ try await context.storage.users.create(created) }) else {
            throw LocalPoolError(.usernameExists, "User account already exists")
        }
        return created
    }

    /// The user called `username` (or whose `sub` it is), or `UserNotFoundException`.
    public func user(poolID: String, username: String) async throws(LocalPoolError) -> UserRecord {
        _ = try await pools.pool(poolID)
        // No stored username breaks the pattern; SQLite would cut `name\0junk` at the NUL.
        guard InputPatterns.isUsername(username) else { throw .userNotFound() }
        guard let found = try await context.store({ try await context.storage.users.user(poolID: poolID, name: username) }) else {
            throw .userNotFound()
        }
        return found
    }

    /// The schema of pool `poolID`.
    func schema(poolID: String) async throws(LocalPoolError) -> PoolSchema {
        PoolSchema(try await pools.pool(poolID).schema)
    }

    /// Changes a user by `change`, in one transaction.
    @discardableResult
    func update(
        poolID: String,
        username: String,
        _ change: @Sendable @escaping (inout UserRecord) throws(LocalPoolError) -> Void
    ) async throws(LocalPoolError) -> UserRecord {
        let existing = try await user(poolID: poolID, username: username)
        let now = context.clock.now()
        let updated = try await context.store {
            try await context.storage.users.update(poolID: poolID, username: existing.username, now: now) { user in try change(&user) }
        }
        guard let updated else { throw .userNotFound() }
        return updated
    }

    /// Sets a password; `permanent` confirms the user, otherwise they must change it at sign-in.
    /// Every hosted-login session of the user ends with the old password.
    public func setPassword(poolID: String, username: String, password: String, permanent: Bool) async throws(LocalPoolError) {
        let existing = try await user(poolID: poolID, username: username)
        let stored = try await storedPassword(password, poolID: poolID, username: existing.username)
        try await update(poolID: poolID, username: existing.username) { user in
            stored.apply(to: &user)
            user.status = permanent ? .confirmed : .forceChangePassword
            user.failedAttempts = 0
            user.lockedUntil = 0
            user.sessionGeneration += 1
        }
    }

    /// Adds or replaces attributes.
    public func updateAttributes(poolID: String, username: String, attributes: [UserRecord.Attribute]) async throws(LocalPoolError) {
        try AttributeRules.check(attributes, schema: try await schema(poolID: poolID), creating: false)
        try await update(poolID: poolID, username: username) { user in user.merge(attributes) }
    }

    /// AdminDeleteUserAttributes: the named attributes removed (names of the schema the user has
    /// not are ignored; required and immutable ones, `sub` among them, are refused); an email or
    /// phone number takes its `*_verified` flag with it.
    public func deleteAttributes(poolID: String, username: String, names: [String]) async throws(LocalPoolError) {
        for name in names {
            guard (1...32).contains(name.count), InputPatterns.isUsername(name) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'userAttributeNames' failed to satisfy constraint: "
                        + "Member must satisfy constraint: [Member must have length less than or equal to 32, Member must have length greater than or equal to 1]"
                )
            }
        }
        try AttributeRules.checkDeletable(names, schema: try await schema(poolID: poolID))
        var gone = Set(names)
        if gone.contains("email") { gone.insert("email_verified") }
        if gone.contains("phone_number") { gone.insert("phone_number_verified") }
        let deleted = gone
        try await update(poolID: poolID, username: username) { user in user.attributes.removeAll { deleted.contains($0.name) } }
    }

    /// SetUserSettings and AdminSetUserSettings: the legacy `MFAOptions`, which Cognito takes
    /// only for SMS to the phone number. Stored and described in GetUser and AdminGetUser; the
    /// local pool sends no SMS, so no sign-in asks for it.
    public func setMFAOptions(poolID: String, username: String, _ options: [MFAOption]) async throws(LocalPoolError) {
        for option in options {
            guard option.deliveryMedium == "SMS", option.attributeName == "phone_number" else {
                throw .invalidParameter("Only SMS to phone_number can be set as an MFA option.")
            }
        }
        let stored = options.isEmpty ? nil : Array(options.prefix(1))
        try await update(poolID: poolID, username: username) { user in user.mfaOptions = stored }
    }

    /// Enables or disables a user.
    public func setEnabled(poolID: String, username: String, enabled: Bool) async throws(LocalPoolError) {
        try await update(poolID: poolID, username: username) { $0.enabled = enabled }
    }

    /// Deletes a user and their refresh tokens.
    public func deleteUser(poolID: String, username: String) async throws(LocalPoolError) {
        let existing = try await user(poolID: poolID, username: username)
        try await context.store { try await context.storage.users.delete(poolID: poolID, username: existing.username) }
    }

    /// Signs a user out everywhere: refresh tokens revoked, tokens issued so far refused, and
    /// hosted-login sessions ended.
    public func globalSignOut(poolID: String, username: String) async throws(LocalPoolError) {
        let existing = try await user(poolID: poolID, username: username)
        let now = context.clock.now()
        try await context.store { try await context.storage.users.signOutEverywhere(poolID: poolID, username: existing.username, now: now) }
    }

    /// Users of `poolID`, optionally filtered (`ListUsers` syntax: `name = "v"` or `name ^= "v"`).
    public func listUsers(
        poolID: String,
        filter: String?,
        limit: Int,
        after: String?
    ) async throws(LocalPoolError) -> (users: [UserRecord], next: String?) {
        _ = try await pools.pool(poolID)
        let predicate = try UserFilter(filter)
        let all = try await context.store { try await context.storage.users.users(poolID: poolID) }
        let matching = all.filter { predicate?.matches($0) ?? true }.filter { after == nil || $0.username > after! }
        let page = Array(matching.prefix(limit))
        return (page, matching.count > limit ? page.last?.username : nil)
    }

    static func generatedPassword() -> String {
        "Tmp\(Identifiers.clientID().prefix(10))!9"
    }
}
