import GRDB

/// The pool file's migrations, in order: the tables of users, clients, tokens and sign-in state
/// (v1 to v9) here, the pool's settings (v10 on) in `PoolMigrations+Settings.swift`.
enum PoolMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "pool") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
            }
            try db.create(table: "client") { table in
                table.primaryKey("id", .text)
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("name", .text).notNull()
                table.column("secret", .text)
                table.column("settings", .jsonText).notNull()
                table.column("createdAt", .double).notNull()
            }
            try db.create(table: "user") { table in
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("username", .text).notNull()
                table.column("sub", .text).notNull()
                table.column("attributes", .jsonText).notNull()
                table.column("passwordHash", .text)
                table.column("enabled", .boolean).notNull()
                table.column("status", .text).notNull()
                table.column("tokensValidAfter", .double).notNull().defaults(to: 0)
                table.column("failedAttempts", .integer).notNull().defaults(to: 0)
                table.column("lockedUntil", .double).notNull().defaults(to: 0)
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
                table.primaryKey(["poolId", "username"])
                table.uniqueKey(["poolId", "sub"])
            }
            try db.create(table: "signingKey") { table in
                table.primaryKey("kid", .text)
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("tokenUse", .text).notNull()
                table.column("privateKeyPEM", .text).notNull()
                table.column("createdAt", .double).notNull()
            }
            try db.create(table: "refreshToken") { table in
                table.primaryKey("tokenHash", .text)
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("clientId", .text).notNull()
                table.column("username", .text).notNull()
                table.column("originJti", .text).notNull()
                table.column("authTime", .double).notNull()
                table.column("scope", .text).notNull()
                table.column("createdAt", .double).notNull()
                table.column("expiresAt", .double).notNull()
                table.column("revokedAt", .double)
            }
            try db.create(table: "revokedOrigin") { table in
                table.primaryKey("originJti", .text)
                table.column("revokedAt", .double).notNull()
            }
            try db.create(table: "authSession") { table in
                table.primaryKey("sessionHash", .text)
                table.column("poolId", .text).notNull()
                table.column("clientId", .text).notNull()
                table.column("username", .text).notNull()
                table.column("challenge", .text).notNull()
                table.column("expiresAt", .double).notNull()
            }
        }
        migrator.registerMigration("v2-oauth") { db in
            try db.create(table: "authCode") { table in
                table.primaryKey("codeHash", .text)
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("clientId", .text).notNull()
                table.column("username", .text).notNull()
                table.column("redirectUri", .text).notNull()
                table.column("scope", .text).notNull()
                table.column("nonce", .text)
                table.column("codeChallenge", .text)
                table.column("authTime", .double).notNull()
                table.column("expiresAt", .double).notNull()
                table.column("usedAt", .double)
            }
            try db.create(table: "ssoSession") { table in
                table.primaryKey("sessionHash", .text)
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("username", .text).notNull()
                table.column("authTime", .double).notNull()
                table.column("expiresAt", .double).notNull()
            }
        }
        migrator.registerMigration("v3-code-family") { db in
            try db.alter(table: "authCode") { table in table.add(column: "originJti", .text) }
        }
        migrator.registerMigration("v4-srp") { db in
            try db.alter(table: "user") { table in
                table.add(column: "srpSalt", .text)
                table.add(column: "srpVerifier", .text)
            }
        }
        migrator.registerMigration("v5-groups") { db in
            try db.create(table: "userGroup") { table in
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("name", .text).notNull()
                table.column("groupDescription", .text)
                table.column("roleArn", .text)
                table.column("precedence", .integer)
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
                table.primaryKey(["poolId", "name"])
            }
            try db.create(table: "groupMember") { table in
                table.column("poolId", .text).notNull()
                table.column("groupName", .text).notNull()
                table.column("username", .text).notNull()
                table.primaryKey(["poolId", "groupName", "username"])
                table.foreignKey(["poolId", "groupName"], references: "userGroup", columns: ["poolId", "name"], onDelete: .cascade)
                table.foreignKey(["poolId", "username"], references: "user", columns: ["poolId", "username"], onDelete: .cascade)
            }
            try db.create(index: "groupMemberByUser", on: "groupMember", columns: ["poolId", "username"])
        }
        migrator.registerMigration("v6-sign-up") { db in
            try db.alter(table: "pool") { table in
                table.add(column: "allowAdminCreateUserOnly", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "userCode") { table in
                table.column("poolId", .text).notNull()
                table.column("username", .text).notNull()
                table.column("purpose", .text).notNull()
                table.column("code", .text).notNull()
                table.column("createdAt", .double).notNull()
                table.column("expiresAt", .double).notNull()
                table.column("failedAttempts", .integer).notNull().defaults(to: 0)
                table.primaryKey(["poolId", "username", "purpose"])
                table.foreignKey(["poolId", "username"], references: "user", columns: ["poolId", "username"], onDelete: .cascade)
            }
        }
        migrator.registerMigration("v7-mfa") { db in
            try db.alter(table: "pool") { table in
                table.add(column: "mfaConfiguration", .text).notNull().defaults(to: "OFF")
                table.add(column: "softwareTokenMFAEnabled", .boolean).notNull().defaults(to: false)
            }
            try db.alter(table: "user") { table in
                table.add(column: "totpPendingSecret", .text)
                table.add(column: "totpSecret", .text)
                table.add(column: "totpEnabled", .boolean).notNull().defaults(to: false)
                table.add(column: "totpLastStep", .integer).notNull().defaults(to: 0)
            }
            try db.alter(table: "authSession") { table in
                table.add(column: "failedAttempts", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v8-rotation") { db in
            try db.alter(table: "refreshToken") { table in table.add(column: "rotatedAt", .double) }
        }
        migrator.registerMigration("v9-abuse-limits") { db in
            // An MFA_SETUP session's own secret and whether this session verified it.
            try db.alter(table: "authSession") { table in
                table.add(column: "pendingSecret", .text)
                table.add(column: "setupVerified", .boolean).notNull().defaults(to: false)
            }
            // Hosted-login sessions end when the user's generation moves on (sign-out
            // everywhere, a password change or reset).
            try db.alter(table: "user") { table in table.add(column: "sessionGeneration", .integer).notNull().defaults(to: 0) }
            try db.alter(table: "ssoSession") { table in table.add(column: "generation", .integer).notNull().defaults(to: 0) }
            // Codes issued and wrong codes tried, per name and purpose across codes (names that
            // do not exist included, so the limits answer alike).
            try db.create(table: "codeThrottle") { table in
                table.column("poolId", .text).notNull()
                table.column("username", .text).notNull()
                table.column("purpose", .text).notNull()
                table.column("windowStart", .double).notNull()
                table.column("issued", .integer).notNull()
                table.column("failures", .integer).notNull()
                table.column("blockedUntil", .double).notNull()
                table.primaryKey(["poolId", "username", "purpose"])
            }
            try db.create(index: "codeThrottleByWindow", on: "codeThrottle", columns: ["windowStart"])
            // Lockout counters of names that do not exist, written as a real user's are.
            try db.create(table: "phantomLockout") { table in
                table.column("poolId", .text).notNull()
                table.column("username", .text).notNull()
                table.column("failures", .integer).notNull()
                table.column("lockedUntil", .double).notNull()
                table.column("lastAttempt", .double).notNull()
                table.primaryKey(["poolId", "username"])
            }
            try db.create(index: "phantomLockoutByTime", on: "phantomLockout", columns: ["lastAttempt"])
            try db.alter(table: "pool") { table in table.add(column: "passwordPolicy", .jsonText) }
            // Keys this server keeps across restarts (the decoy salts' key).
            try db.create(table: "serverSecret") { table in
                table.primaryKey("name", .text)
                table.column("value", .blob).notNull()
                table.column("createdAt", .double).notNull()
            }
        }
        registerSettings(&migrator)
        return migrator
    }
}
