import Foundation
import GRDB
import GatehouseCore

extension LocalPoolService {
    /// Standard attributes a user may carry (besides `sub`, which the pool assigns), and `custom:*`.
    static let standardAttributes: Set<String> = [
        "address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name", "locale",
        "middle_name", "name", "nickname", "phone_number", "phone_number_verified", "picture",
        "preferred_username", "profile", "updated_at", "website", "zoneinfo",
    ]

    /// Cognito's limits on what a user may carry: `AttributeType`'s name (1 to 32 characters of
    /// its pattern) and value (at most 2048 characters); custom attributes' names (1 to 20
    /// characters after `custom:`) and count (at most 50 in a pool's schema, so at most 50 per
    /// user). With the standard attributes that bounds a user at about 140 KB.
    enum AttributeLimits {
        static let nameLength = 1...32
        static let customNameLength = 1...20
        static let valueLength = 2048
        static let customPerUser = 50
        /// Attributes in one request: every standard and custom one at most once each.
        static let perRequest = 19 + 50
    }

    /// Checks attributes a request writes: known names within Cognito's limits, no `sub`.
    static func checkAttributes(_ attributes: [UserRecord.Attribute]) throws(LocalPoolError) {
        guard attributes.count <= AttributeLimits.perRequest else {
            throw .invalidParameter("Too many attributes: at most \(AttributeLimits.perRequest) in one request")
        }
        for attribute in attributes {
            let name = attribute.name
            guard AttributeLimits.nameLength.contains(name.count), InputPatterns.isUsername(name) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'userAttributes.member.name' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length 1 to 32"
                )
            }
            if name == "sub" {
                throw .invalidParameter("Cannot modify the non-mutable attribute sub")
            }
            let custom = name.hasPrefix("custom:")
            guard standardAttributes.contains(name) || (custom && AttributeLimits.customNameLength.contains(name.count - 7)) else {
                throw .invalidParameter("Attributes did not conform to the schema: Type for attribute {\(name)} could not be determined")
            }
            guard attribute.value.count <= AttributeLimits.valueLength else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'userAttributes.member.value' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 2048"
                )
            }
        }
    }

    /// Checks what a user would carry after a write: at most ``AttributeLimits/customPerUser`` custom attributes.
    static func checkCustomCount(_ attributes: [UserRecord.Attribute]) throws(LocalPoolError) {
        let custom = Set(attributes.lazy.map(\.name).filter { $0.hasPrefix("custom:") })
        guard custom.count <= AttributeLimits.customPerUser else {
            throw .invalidParameter("A user may have at most \(AttributeLimits.customPerUser) custom attributes")
        }
    }

    /// What the pool keeps of a password: its bcrypt hash, and the SRP salt and verifier.
    struct StoredPassword: Sendable {
        var hash: String
        var srpSalt: String
        var srpVerifier: String

        /// Puts the password into `user`.
        func apply(to user: inout UserRecord) {
            user.passwordHash = hash
            user.srpSalt = srpSalt
            user.srpVerifier = srpVerifier
        }
    }

    /// What is stored of `password` for `username` of `poolID`, once it passes the password policy.
    func policyCheckedPassword(_ password: String, poolID: String, username: String) async throws(LocalPoolError) -> StoredPassword {
        if let problem = try await passwordProblem(password, poolID: poolID) {
            throw LocalPoolError(.invalidPassword, problem)
        }
        do {
            let hash = try await hasher.hash(password)
            let (salt, verifier) = try await srpVerifier(password, poolID: poolID, username: username)
            return StoredPassword(hash: hash, srpSalt: salt, srpVerifier: verifier)
        } catch {
            throw .internalError("hashing")
        }
    }

    /// What is wrong with `password` under `poolID`'s policy, or nil.
    func passwordProblem(_ password: String, poolID: String) async throws(LocalPoolError) -> String? {
        PasswordHasher.policyViolation(password, policy: try await pool(poolID).effectivePasswordPolicy)
    }

    /// Creates a user who must set a new password at first sign-in (`FORCE_CHANGE_PASSWORD`).
    public func createUser(
        poolID: String,
        username: String,
        attributes: [UserRecord.Attribute],
        temporaryPassword: String?
    ) async throws(LocalPoolError) -> UserRecord {
        _ = try await pool(poolID)
        guard InputPatterns.isUsername(username) else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'username' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length 1 to 128"
            )
        }
        try Self.checkAttributes(attributes)
        let password = try await policyCheckedPassword(temporaryPassword ?? Self.generatedPassword(), poolID: poolID, username: username)
        let now = clock.now()
        var merged: [UserRecord.Attribute] = []
        for attribute in attributes {
            merged.removeAll { $0.name == attribute.name }
            merged.append(attribute)
        }
        try Self.checkCustomCount(merged)
        let user = UserRecord(
            poolId: poolID,
            username: username,
            sub: Identifiers.uuid(),
            attributes: merged,
            passwordHash: password.hash,
            srpSalt: password.srpSalt,
            srpVerifier: password.srpVerifier,
            enabled: true,
            status: .forceChangePassword,
            tokensValidAfter: 0,
            failedAttempts: 0,
            lockedUntil: 0,
            createdAt: now,
            updatedAt: now
        )
        return try await write { db in
            guard try UserRecord.fetchOne(db, key: ["poolId": poolID, "username": username]) == nil else {
                throw LocalPoolError(.usernameExists, "User account already exists")
            }
            try user.insert(db)
            return user
        }
    }

    /// The user called `username` (or whose `sub` it is), or `UserNotFoundException`.
    public func user(poolID: String, username: String) async throws(LocalPoolError) -> UserRecord {
        _ = try await pool(poolID)
        // No stored username breaks the pattern; SQLite would cut `name\0junk` at the NUL.
        guard InputPatterns.isUsername(username) else { throw .userNotFound() }
        let found = try await read { db in
            try UserRecord.fetchOne(db, key: ["poolId": poolID, "username": username])
                ?? UserRecord.filter(Column("poolId") == poolID && Column("sub") == username).fetchOne(db)
        }
        guard let found else { throw .userNotFound() }
        return found
    }

    /// Changes a user by `change`, in one transaction.
    @discardableResult
    func updateUser(
        poolID: String,
        username: String,
        _ change: @Sendable @escaping (inout UserRecord) throws -> Void
    ) async throws(LocalPoolError) -> UserRecord {
        let existing = try await user(poolID: poolID, username: username)
        let now = clock.now()
        return try await write { db in
            guard var user = try UserRecord.fetchOne(db, key: ["poolId": poolID, "username": existing.username]) else {
                throw LocalPoolError.userNotFound()
            }
            try change(&user)
            user.updatedAt = now
            try user.update(db)
            return user
        }
    }

    /// Sets a password; `permanent` confirms the user, otherwise they must change it at sign-in.
    /// Every hosted-login session of the user ends with the old password.
    public func setPassword(poolID: String, username: String, password: String, permanent: Bool) async throws(LocalPoolError) {
        let existing = try await user(poolID: poolID, username: username)
        let stored = try await policyCheckedPassword(password, poolID: poolID, username: existing.username)
        try await updateUser(poolID: poolID, username: existing.username) { user in
            stored.apply(to: &user)
            user.status = permanent ? .confirmed : .forceChangePassword
            user.failedAttempts = 0
            user.lockedUntil = 0
            user.sessionGeneration += 1
        }
    }

    /// Adds or replaces attributes.
    public func updateAttributes(poolID: String, username: String, attributes: [UserRecord.Attribute]) async throws(LocalPoolError) {
        try Self.checkAttributes(attributes)
        try await updateUser(poolID: poolID, username: username) { user in
            for attribute in attributes {
                if let index = user.attributes.firstIndex(where: { $0.name == attribute.name }) {
                    user.attributes[index] = attribute
                } else {
                    user.attributes.append(attribute)
                }
            }
            try Self.checkCustomCount(user.attributes)
        }
    }

    /// Enables or disables a user.
    public func setEnabled(poolID: String, username: String, enabled: Bool) async throws(LocalPoolError) {
        try await updateUser(poolID: poolID, username: username) { $0.enabled = enabled }
    }

    /// Deletes a user and their refresh tokens.
    public func deleteUser(poolID: String, username: String) async throws(LocalPoolError) {
        let existing = try await user(poolID: poolID, username: username)
        try await write { db in
            try RefreshTokenRecord.filter(Column("poolId") == poolID && Column("username") == existing.username).deleteAll(db)
            _ = try UserRecord.deleteOne(db, key: ["poolId": poolID, "username": existing.username])
        }
    }

    /// Signs a user out everywhere: refresh tokens revoked, tokens issued so far refused.
    public func globalSignOut(poolID: String, username: String) async throws(LocalPoolError) {
        let existing = try await user(poolID: poolID, username: username)
        let now = clock.now()
        try await write { db in
            try RefreshTokenRecord
                .filter(Column("poolId") == poolID && Column("username") == existing.username && Column("revokedAt") == nil)
                .updateAll(db, Column("revokedAt").set(to: now))
            guard var user = try UserRecord.fetchOne(db, key: ["poolId": poolID, "username": existing.username]) else { return }
            // Token `iat` claims are whole seconds: every token issued in this second or before is
            // refused (one issued later in the same second too — the safe side).
            user.tokensValidAfter = now.rounded(.down)
            // And every hosted-login session, which would otherwise hand out new codes.
            user.sessionGeneration += 1
            try user.update(db)
        }
    }

    /// Users of `poolID`, optionally filtered (`ListUsers` syntax: `name = "v"` or `name ^= "v"`).
    public func listUsers(
        poolID: String,
        filter: String?,
        limit: Int,
        after: String?
    ) async throws(LocalPoolError) -> (users: [UserRecord], next: String?) {
        _ = try await pool(poolID)
        let predicate = try UserFilter(filter)
        let all = try await read { db in
            try UserRecord.filter(Column("poolId") == poolID).order(Column("username")).fetchAll(db)
        }
        let matching = all.filter { predicate?.matches($0) ?? true }.filter { after == nil || $0.username > after! }
        let page = Array(matching.prefix(limit))
        return (page, matching.count > limit ? page.last?.username : nil)
    }

    static func generatedPassword() -> String {
        "Tmp\(Identifiers.clientID().prefix(10))!9"
    }
}
