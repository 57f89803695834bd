import GRDB

extension PoolMigrations {
    /// v10 on: resource servers, domains, terms, the schema and the pool's other settings.
    static func registerSettings(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-resource-servers") { db in
            try db.create(table: "resourceServer") { table in
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("identifier", .text).notNull()
                table.column("name", .text).notNull()
                table.column("scopes", .jsonText).notNull()
                table.primaryKey(["poolId", "identifier"])
            }
        }
        migrator.registerMigration("v11-pool-settings") { db in
            try db.alter(table: "pool") { table in
                table.add(column: "tags", .jsonText)
                table.add(column: "logConfigurations", .jsonText)
            }
            try db.alter(table: "client") { table in table.add(column: "secretList", .jsonText) }
            try db.create(table: "userPoolDomain") { table in
                table.primaryKey("domain", .text)
                table.column("poolId", .text).notNull().indexed().references("pool", onDelete: .cascade)
                table.column("certificateArn", .text)
                table.column("managedLoginVersion", .integer).notNull()
                table.column("createdAt", .double).notNull()
            }
        }
        migrator.registerMigration("v12-user-settings") { db in
            try db.alter(table: "user") { table in table.add(column: "mfaOptions", .jsonText) }
        }
        migrator.registerMigration("v13-terms") { db in
            try db.create(table: "terms") { table in
                table.primaryKey("termsId", .text)
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("clientId", .text).notNull().references("client", onDelete: .cascade)
                table.column("termsName", .text).notNull()
                table.column("termsSource", .text).notNull()
                table.column("enforcement", .text).notNull()
                table.column("links", .jsonText).notNull()
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
                table.uniqueKey(["clientId", "termsName"])
            }
        }
        migrator.registerMigration("v14-schema") { db in
            try db.alter(table: "pool") { table in table.add(column: "schema", .jsonText) }
        }
        migrator.registerMigration("v15-ui-customization") { db in
            try db.alter(table: "pool") { table in table.add(column: "uiCustomizations", .jsonText) }
        }
        migrator.registerMigration("v16-managed-login-branding") { db in
            try db.create(table: "managedLoginBranding") { table in
                table.primaryKey("brandingId", .text)
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("clientId", .text).notNull().unique().references("client", onDelete: .cascade)
                table.column("useCognitoProvidedValues", .boolean).notNull()
                table.column("settings", .jsonText)
                table.column("assets", .jsonText).notNull()
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
            }
        }
        migrator.registerMigration("v17-threat-protection") { db in
            try db.alter(table: "pool") { table in
                table.add(column: "advancedSecurityMode", .text)
                table.add(column: "riskConfigurations", .jsonText)
            }
            try db.create(table: "authEvent") { table in
                table.primaryKey("eventId", .text)
                table.column("poolId", .text).notNull()
                table.column("username", .text).notNull()
                table.column("eventType", .text).notNull()
                table.column("response", .text).notNull()
                table.column("riskDecision", .text).notNull()
                table.column("challenges", .jsonText).notNull()
                table.column("clientId", .text)
                table.column("ipAddress", .text)
                table.column("createdAt", .double).notNull()
                table.column("feedbackTokenHash", .text).notNull()
                table.column("feedback", .jsonText)
                table.foreignKey(["poolId", "username"], references: "user", columns: ["poolId", "username"], onDelete: .cascade)
            }
            try db.create(index: "authEventByUser", on: "authEvent", columns: ["poolId", "username", "createdAt"])
        }
        migrator.registerMigration("v18-user-import") { db in
            try db.create(table: "userImportJob") { table in
                table.primaryKey("jobId", .text)
                table.column("poolId", .text).notNull().indexed().references("pool", onDelete: .cascade)
                table.column("jobName", .text).notNull()
                table.column("cloudWatchLogsRoleArn", .text).notNull()
                table.column("status", .text).notNull()
                table.column("createdAt", .double).notNull()
                table.column("startedAt", .double)
                table.column("completedAt", .double)
                table.column("imported", .integer).notNull()
                table.column("skipped", .integer).notNull()
                table.column("failed", .integer).notNull()
                table.column("completionMessage", .text)
                table.column("uploadToken", .text).notNull()
                table.column("csv", .blob)
            }
        }
        migrator.registerMigration("v19-identity-providers") { db in
            try db.create(table: "identityProvider") { table in
                table.column("poolId", .text).notNull().references("pool", onDelete: .cascade)
                table.column("providerName", .text).notNull()
                table.column("providerType", .text).notNull()
                table.column("providerDetails", .jsonText).notNull()
                table.column("attributeMapping", .jsonText).notNull()
                table.column("idpIdentifiers", .jsonText).notNull()
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
                table.primaryKey(["poolId", "providerName"])
            }
        }
        migrator.registerMigration("v20-provider-links") { db in
            try db.create(table: "providerLink") { table in
                table.column("poolId", .text).notNull()
                table.column("providerName", .text).notNull()
                table.column("subject", .text).notNull()
                table.column("username", .text).notNull()
                table.column("createdAt", .double).notNull()
                table.primaryKey(["poolId", "providerName", "subject"])
                table.foreignKey(["poolId", "username"], references: "user", columns: ["poolId", "username"], onDelete: .cascade)
            }
        }
        migrator.registerMigration("v21-lambda-config") { db in
            try db.alter(table: "pool") { table in table.add(column: "lambdaConfig", .jsonText) }
        }
        migrator.registerMigration("v22-passwordless") { db in
            try db.alter(table: "pool") { table in
                table.add(column: "allowedFirstAuthFactors", .jsonText)
                table.add(column: "webAuthn", .jsonText)
                table.add(column: "deviceConfiguration", .jsonText)
            }
            try db.alter(table: "user") { table in
                table.add(column: "devices", .jsonText)
                table.add(column: "webAuthnCredentials", .jsonText)
            }
            try db.alter(table: "refreshToken") { table in table.add(column: "deviceKey", .text) }
            try db.alter(table: "authSession") { table in table.add(column: "deviceKey", .text) }
        }
    }
}
