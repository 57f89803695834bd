import GatehouseCore
import Logging

/// Users migrated on the fly by the pool's UserMigration trigger: asked for when a name unknown
/// to the pool signs in with a password, or asks for a forgotten one, and created as it answers.
extension SignIn {
    /// Asks UserMigration for `name` and creates the user it answers, with `password`; false when
    /// the pool has no UserMigration trigger. With existence hidden, the function's refusal is
    /// the answer any unknown name gets.
    func migrate(
        _ name: String,
        password: String,
        pool: PoolRecord,
        hidden: Bool,
        caller: Triggers.SignInCaller
    ) async throws(LocalPoolError) -> Bool {
        guard pool.lambdaConfig?.userMigration != nil, InputPatterns.isUsername(name) else { return false }
        let migrated: Triggers.Migrated?
        do {
            migrated = try await Triggers(context: context).migrateUser(pool: pool, username: name, password: password, caller: caller)
        } catch  where hidden && error.name == .userNotFound {
            try await refuseUnknownUser(poolID: pool.id, username: name, password: password, hidden: true, error: error)
        }
        guard let migrated else { return false }
        try await create(migrated, name: name, password: password, pool: pool)
        return true
    }

    /// The user UserMigration answered for `name`, created in the status it chose; a
    /// forgotten-password migration has no password yet (a random one, never told).
    func create(_ migrated: Triggers.Migrated, name: String, password: String?, pool: PoolRecord) async throws(LocalPoolError) {
        do {
            _ = try await users.createUser(
                poolID: pool.id,
                username: name,
                attributes: migrated.attributes,
                temporaryPassword: password,
                status: migrated.status
            )
        } catch  where error.name == .usernameExists {
            // Two attempts at once: the other one migrated the user.
            return
        }
        context.logger.info(
            "gatehouse.pool.user_migrated",
            metadata: [
                "gatehouse.pool.username": "\(name)", "gatehouse.status": "\(migrated.status.rawValue)",
                "gatehouse.welcome_message": "\(migrated.suppressMessage ? "suppressed" : "not sent (the local pool sends no mail)")",
            ]
        )
    }
}
