import GRDB
import GatehouseCore
import Logging

extension LocalPoolService {
    /// Checks `password` for `user`, honouring and updating the lockout; returns the user when it matches.
    ///
    /// The attempt is counted before the slow bcrypt check, in one write transaction, so that
    /// concurrent attempts cannot all pass the lockout test before any of them is counted.
    func authenticate(_ user: UserRecord, password: String) async throws(LocalPoolError) -> UserRecord {
        try Self.refuseIfResetRequired(user)
        try await countAttempt(user)
        let matches: Bool
        do {
            if let hash = user.passwordHash {
                matches = try await hasher.verify(password, hash: hash)
            } else {
                matches = try await hasher.verifyDecoy(password) && false
            }
        } catch {
            throw .internalError("hashing")
        }
        guard matches else {
            logger.info("gatehouse.pool.sign_in_failed", metadata: ["gatehouse.pool.username": "\(user.username)"])
            throw .notAuthorized("Incorrect username or password.")
        }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        // A password set before the pool spoke SRP gets its verifier now, while it is known.
        let srp = user.srpVerifier == nil ? try? await srpVerifier(password, poolID: user.poolId, username: user.username) : nil
        let signedIn = try await passwordProven(user) { user in
            if let srp {
                user.srpSalt = srp.salt
                user.srpVerifier = srp.verifier
            }
        }
        try Self.refuseIfUnconfirmed(signedIn)
        return signedIn
    }

    /// An admin reset the password: Cognito refuses any sign-in until it is set with a code.
    static func refuseIfResetRequired(_ user: UserRecord) throws(LocalPoolError) {
        guard user.status != .resetRequired else {
            throw LocalPoolError(.passwordResetRequired, "Password reset required for the user")
        }
    }

    /// A user who signed up signs in once the code confirmed them (the password was right).
    static func refuseIfUnconfirmed(_ user: UserRecord) throws(LocalPoolError) {
        guard user.status != .unconfirmed else { throw LocalPoolError(.userNotConfirmed, "User is not confirmed.") }
    }

    /// After a sign-in proved the password (`user` as read before its attempt was counted),
    /// applying `change` too: the failed attempts are cleared when the sign-in is complete; when
    /// a second step follows (an MFA code, a new password), only this attempt's own count is
    /// taken back, so wrong MFA codes keep counting towards the lockout however often the
    /// password is proven again.
    func passwordProven(
        _ user: UserRecord,
        _ change: @Sendable @escaping (inout UserRecord) -> Void = { _ in }
    ) async throws(LocalPoolError) -> UserRecord {
        let mfa = try await mfaChallenge(for: user, poolID: user.poolId)
        let secondStep = user.status == .forceChangePassword || mfa != nil
        let lockedBefore = user.lockedUntil
        return try await updateUser(poolID: user.poolId, username: user.username) { user in
            if secondStep {
                user.failedAttempts = max(0, user.failedAttempts - 1)
                user.lockedUntil = lockedBefore
            } else {
                user.failedAttempts = 0
                user.lockedUntil = 0
            }
            change(&user)
        }
    }

    /// Finds `username` and checks `password`; unknown users fail exactly like wrong passwords,
    /// lockout included.
    public func authenticate(poolID: String, username: String, password: String) async throws(LocalPoolError) -> UserRecord {
        let user: UserRecord
        do {
            user = try await self.user(poolID: poolID, username: username)
        } catch {
            try await refuseUnknownUser(poolID: poolID, username: username, password: password, hidden: true, error: error)
        }
        return try await authenticate(user, password: password)
    }

    /// Refuses a sign-in as a user that does not exist. When existence is `hidden`, the answer is
    /// the one a real user would get: "Incorrect username or password.", and after as many
    /// failures as lock a real user out, "Password attempts exceeded" for as long.
    ///
    /// The work matches a real user's: the attempt is counted in one write transaction as a real
    /// user's is (``countPhantomAttempt(poolID:username:)``), and for a password (not an SRP
    /// proof, which costs a real user no bcrypt) a decoy bcrypt check spends a real check's time.
    func refuseUnknownUser(
        poolID: String,
        username: String,
        password: String?,
        hidden: Bool,
        error: LocalPoolError
    ) async throws(LocalPoolError) -> Never {
        if hidden, try await !countPhantomAttempt(poolID: poolID, username: username) {
            throw .notAuthorized(Lockout.lockedMessage)
        }
        if let password { _ = try? await hasher.verifyDecoy(password) }
        throw hidden ? .notAuthorized("Incorrect username or password.") : error
    }

    /// Counts an attempt on a name that does not exist, in the database as a real user's attempt
    /// is counted (and so at the same cost, and across restarts); false when the name is locked
    /// out (the attempt is refused). Stale counters go when a new name is counted.
    func countPhantomAttempt(poolID: String, username: String) async throws(LocalPoolError) -> Bool {
        let now = clock.now()
        return try await write { db in
            let stored = try PhantomLockoutRecord.fetchOne(db, key: ["poolId": poolID, "username": username])
            if stored == nil {
                try db.execute(
                    sql: "DELETE FROM phantomLockout WHERE lastAttempt < ? AND lockedUntil < ?",
                    arguments: [now - Lockout.memory, now]
                )
            }
            var entry = stored ?? PhantomLockoutRecord(poolId: poolID, username: username, failures: 0, lockedUntil: 0, lastAttempt: now)
            guard entry.lockedUntil <= now else { return false }
            entry.failures += 1
            entry.lastAttempt = now
            if let until = Lockout.lockedUntil(failures: entry.failures, now: now) { entry.lockedUntil = until }
            try entry.save(db)
            return true
        }
    }

    /// Counts one sign-in attempt for `user`, or refuses it while the user is locked out.
    func countAttempt(_ user: UserRecord) async throws(LocalPoolError) {
        let now = clock.now()
        try await write { db in
            guard var stored = try UserRecord.fetchOne(db, key: ["poolId": user.poolId, "username": user.username]) else {
                throw LocalPoolError.notAuthorized("Incorrect username or password.")
            }
            guard stored.lockedUntil <= now else { throw LocalPoolError.notAuthorized(Lockout.lockedMessage) }
            stored.failedAttempts += 1
            if let until = Lockout.lockedUntil(failures: stored.failedAttempts, now: now) { stored.lockedUntil = until }
            try stored.update(db)
        }
    }
}
