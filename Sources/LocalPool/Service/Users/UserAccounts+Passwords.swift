import GatehouseCore

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

extension UserAccounts {
    /// What is stored of `password` for `username` of `poolID`, once it passes the password policy.
    func storedPassword(_ password: String, poolID: String, username: String) async throws(LocalPoolError) -> StoredPassword {
        if let problem = try await passwordProblem(password, poolID: poolID) {
            throw LocalPoolError(.invalidPassword, problem)
        }
        do {
            let hash = try await context.hasher.hash(password)
            let (salt, verifier) = try await Self.srpVerifier(password, poolID: poolID, username: username)
            return StoredPassword(hash: hash, srpSalt: salt, srpVerifier: verifier)
        } catch {
            throw .internalError("hashing")
        }
    }

    /// What is wrong with `password` under `poolID`'s policy, or nil.
    func passwordProblem(_ password: String, poolID: String) async throws(LocalPoolError) -> String? {
        PasswordHasher.policyViolation(password, policy: try await pools.pool(poolID).effectivePasswordPolicy)
    }

    /// A new SRP salt and the verifier of `password` with it (hex), off the cooperative pool.
    static func srpVerifier(_ password: String, poolID: String, username: String) async throws -> (salt: String, verifier: String) {
        try await PasswordHasher.offload {
            let salt = CognitoSRP.newSalt()
            let verifier = CognitoSRP.verifier(salt: salt, poolName: CognitoSRP.poolName(poolID), userID: username, password: password)
            return (CognitoSRP.hex(salt), CognitoSRP.hex(verifier))
        }
    }
}
