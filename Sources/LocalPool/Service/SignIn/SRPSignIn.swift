import Foundation
import GatehouseCore
import Logging

/// Signing in with SRP (`USER_SRP_AUTH`, then the `PASSWORD_VERIFIER` challenge), as Cognito does.
public struct SRPSignIn: Sendable {
    let context: PoolContext
    let users: UserAccounts
    let signIn: SignIn

    /// `USER_SRP_AUTH` (from `InitiateAuth` or `AdminInitiateAuth`): answers the client's public
    /// value A with the `PASSWORD_VERIFIER` challenge.
    public func srpAuth(
        client: ClientRecord,
        username: String,
        clientPublic: String,
        secretHash: String?,
        validationData: [String: String]? = nil,
        continuingCustomSignIn: Bool = false,
        choosing: Bool = false,
        deviceKey: String? = nil
    ) async throws(LocalPoolError) -> AuthOutcome {
        let flows = client.settings.explicitAuthFlows
        // A custom sign-in's client allows CUSTOM_AUTH, and proved its secret when it began; a
        // choice-based one (`PASSWORD_SRP`) allows USER_AUTH.
        if !continuingCustomSignIn {
            guard choosing || flows.contains("ALLOW_USER_SRP_AUTH") || flows.contains("USER_SRP_AUTH") else {
                throw .invalidParameter("USER_SRP_AUTH is not enabled for the client.")
            }
            try SecretHash.check(secretHash, client: client, username: username)
        }
        guard let a = CognitoSRP.bytes(hex: clientPublic) else { throw .invalidParameter("SRP_A must be a hexadecimal number.") }
        var user: UserRecord?
        do {
            user = try await users.user(poolID: client.poolId, username: username)
        } catch {
            if !client.settings.preventUserExistenceErrors || error.name != .userNotFound { throw error }
        }
        if !continuingCustomSignIn {
            try await Triggers(context: context).preAuthentication(
                pool: try await signIn.pools.pool(client.poolId),
                user: user,
                username: username,
                caller: Triggers.SignInCaller(clientID: client.id, validationData: validationData)
            )
        }
        let stored = user.flatMap { user -> (salt: [UInt8], verifier: [UInt8])? in
            guard let salt = user.srpSalt.flatMap(CognitoSRP.bytes(hex:)), let verifier = user.srpVerifier.flatMap(CognitoSRP.bytes(hex:)) else {
                return nil
            }
            return (salt, verifier)
        }
        // Without a verifier (an unknown user, or a password from before SRP) the challenge goes
        // out all the same, with the same work (one exchange), and no proof can answer it: the
        // salt is made up from the name, the verifier is the server's one decoy.
        let (salt, verifier): ([UInt8], [UInt8])
        if let stored {
            (salt, verifier) = stored
        } else {
            (salt, verifier) = (try await decoySalt(poolID: client.poolId, username: username), try await decoyVerifier())
        }
        let secret = Self.randomBytes(32)
        let exchange: CognitoSRP.Exchange?
        do {
            // The modular powers run off the caller's thread.
            exchange = try await PasswordHasher.offload { CognitoSRP.exchange(clientPublic: a, verifier: verifier, secret: secret) }
        } catch {
            throw .internalError("srp")
        }
        guard let exchange else { throw .invalidParameter("SRP_A must be a number between 1 and N - 1 (modulo N not zero).") }
        let userID = user?.username ?? username
        let secretBlock = Data(Self.randomBytes(64)).base64EncodedString()
        let session = Identifiers.opaque(bytes: 64)
        let now = context.clock.now()
        context.caches.srpChallenges.insert(
            SRPChallenges.Pending(
                poolID: client.poolId,
                clientID: client.id,
                username: userID,
                userExists: stored != nil,
                key: exchange.key,
                session: session,
                expiresAt: now + SRPChallenges.lifetime,
                continuesCustomSignIn: continuingCustomSignIn,
                deviceKey: deviceKey
            ),
            secretBlock: secretBlock,
            now: now
        )
        return .challenge(
            name: .passwordVerifier,
            session: session,
            parameters: [
                "SALT": CognitoSRP.hex(salt), "SRP_B": CognitoSRP.hex(exchange.serverPublic), "SECRET_BLOCK": secretBlock,
                "USERNAME": userID, "USER_ID_FOR_SRP": userID,
            ]
        )
    }

    /// Checks a `PASSWORD_VERIFIER` answer: the client's signature with the key of its challenge
    /// (each challenge answers once), counting a wrong one towards the lockout like a wrong
    /// password. The user whose proof it is (the attempt counted), and the challenge.
    func verifiedClaim(
        client: ClientRecord,
        responses: [String: String],
        session: String?
    ) async throws(LocalPoolError) -> (UserRecord, SRPChallenges.Pending) {
        guard let secretBlock = responses["PASSWORD_CLAIM_SECRET_BLOCK"], let signature = responses["PASSWORD_CLAIM_SIGNATURE"],
            let timestamp = responses["TIMESTAMP"], let username = responses["USERNAME"]
        else {
            throw .invalidParameter("Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE, TIMESTAMP or USERNAME")
        }
        guard let pending = context.caches.srpChallenges.take(secretBlock: secretBlock, now: context.clock.now()), pending.clientID == client.id
        else {
            throw .notAuthorized("Invalid session for the user, session is expired.")
        }
        guard session == nil || session == pending.session else { throw .notAuthorized("Invalid session for the user.") }
        try SecretHash.check(responses["SECRET_HASH"], client: client, username: username)
        guard CognitoSRP.isTimestamp(timestamp) else {
            throw .invalidParameter("TIMESTAMP must look like \"Tue Nov 3 09:05:01 UTC 2026\" (the day not padded).")
        }
        let found: UserRecord
        do {
            found = try await users.user(poolID: client.poolId, username: username)
        } catch {
            // No decoy bcrypt: a wrong proof costs a real user none either.
            try await signIn.refuseUnknownUser(
                poolID: client.poolId,
                username: username,
                password: nil,
                hidden: client.settings.preventUserExistenceErrors,
                error: error
            )
        }
        // The name sent may be another of the user's names (warrant-lite sends what was typed).
        guard found.username == pending.username else { throw .notAuthorized("Invalid session for the user.") }
        let now = context.clock.now()
        let user: UserRecord
        switch try await context.store({ try await context.storage.users.countAttempt(poolID: client.poolId, name: found.username, now: now) }) {
        case .missing: throw .notAuthorized("Incorrect username or password.")
        case .resetRequired: throw LocalPoolError(.passwordResetRequired, "Password reset required for the user")
        case .lockedOut: throw .notAuthorized(Lockout.lockedMessage)
        case .counted(let counted): user = counted
        }
        let expected = CognitoSRP.signature(
            key: pending.key,
            poolName: CognitoSRP.poolName(client.poolId),
            userID: pending.username,
            secretBlock: Array(Data(base64Encoded: secretBlock) ?? Data()),
            timestamp: timestamp
        )
        guard pending.userExists, let given = Data(base64Encoded: signature), ConstantTime.equals(Array(given), expected) else {
            context.logger.info(
                "gatehouse.pool.sign_in_failed",
                metadata: ["gatehouse.pool.username": "\(user.username)", "gatehouse.pool.flow": "srp"]
            )
            throw .notAuthorized("Incorrect username or password.")
        }
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        return (user, pending)
    }

    /// The salt shown for a user without a verifier: the same for the same name every time,
    /// restarts included (it comes from the server's persistent key), as a real user's is.
    private func decoySalt(poolID: String, username: String) async throws(LocalPoolError) -> [UInt8] {
        var salt = Array(try await context.serverMAC(poolID + "/" + username, purpose: .decoySalt).prefix(16))
        if salt[0] == 0 { salt[0] = 1 }
        return salt
    }

    /// The verifier shown for every user without one: g^x for an x from the server's key,
    /// computed once per process.
    private func decoyVerifier() async throws(LocalPoolError) -> [UInt8] {
        if let cached = context.caches.decoyVerifier() { return cached }
        let exponent = try await context.serverMAC("", purpose: .decoyVerifier)
        let verifier: [UInt8]
        do {
            verifier = try await PasswordHasher.offload { CognitoSRP.field.bytes(CognitoSRP.field.power(CognitoSRP.generator, exponent: exponent)) }
        } catch {
            throw .internalError("srp")
        }
        context.caches.remember(decoyVerifier: verifier)
        return verifier
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
