import GatehouseCore

/// Self-service accounts: sign-up and its confirmation, forgotten passwords, and an admin's
/// reset and confirmation. With existence hidden (the client's `PreventUserExistenceErrors`),
/// names that do not exist get the answers real ones would, under the same limits.
public struct SelfService: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts
    let tokens: TokenService
    let signIn: SignIn
    let codes: Codes

    /// `SignUp`: an `UNCONFIRMED` user with `password`, and a code to confirm it; or, when the
    /// pool's PreSignUp trigger answers `autoConfirmUser`, a `CONFIRMED` user and no code (its
    /// email or phone number verified as `autoVerifyEmail` and `autoVerifyPhone` say). A trigger
    /// that fails leaves no user.
    public func signUp(
        client: ClientRecord,
        username: String,
        password: String,
        attributes: [UserRecord.Attribute],
        secretHash: String?,
        validationData: [String: String]? = nil,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> (sub: String, delivery: CodeDelivery?, confirmed: Bool) {
        try SecretHash.check(secretHash, client: client, username: username)
        let pool = try await pools.pool(client.poolId)
        guard !pool.allowAdminCreateUserOnly else { throw .notAuthorized("SignUp is not permitted for this user pool") }
        // Only a code (or an admin) verifies an email or a phone number.
        try AttributeRules.refuseVerifiedFlags(attributes)
        try AttributeRules.refuseUnwritable(attributes, client: client.settings, schema: PoolSchema(pool.schema))
        let verdict = try await Triggers(context: context).preSignUp(
            pool: pool,
            source: "PreSignUp_SignUp",
            userName: username,
            clientID: client.id,
            attributes: attributes,
            validationData: validationData,
            clientMetadata: clientMetadata
        )
        let autoConfirm = verdict.autoConfirmUser
        var user = try await users.createUser(poolID: client.poolId, username: username, attributes: attributes, temporaryPassword: nil)
        do {
            let stored = try await users.storedPassword(password, poolID: client.poolId, username: user.username)
            user = try await users.update(poolID: client.poolId, username: user.username) { user in
                stored.apply(to: &user)
                user.status = autoConfirm ? .confirmed : .unconfirmed
                verdict.verify(&user)
            }
        } catch {
            // A refused password leaves no half-made account behind.
            try? await users.deleteUser(poolID: client.poolId, username: user.username)
            throw error
        }
        if autoConfirm { return (user.sub, nil, true) }
        return (
            user.sub,
            try await codes.send(to: user, purpose: .signUp, source: .signUp, clientID: client.id, clientMetadata: clientMetadata),
            false
        )
    }

    /// The user called `username`, or nil when there is none and `client` hides who exists (the
    /// caller then answers as for a real user); `UserNotFoundException` otherwise.
    func userUnlessHidden(_ username: String, client: ClientRecord) async throws(LocalPoolError) -> UserRecord? {
        do {
            return try await users.user(poolID: client.poolId, username: username)
        } catch  where error.name == .userNotFound && client.settings.preventUserExistenceErrors {
            return nil
        }
    }

    /// The user called `username`, or the one the pool's UserMigration trigger creates for it
    /// (`UserMigration_ForgotPassword`: `RESET_REQUIRED`); nil for an unknown name when
    /// existence is hidden.
    func userOrMigrated(_ username: String, client: ClientRecord, clientMetadata: [String: String]?) async throws(LocalPoolError) -> UserRecord? {
        let pool = try await pools.pool(client.poolId)
        guard pool.lambdaConfig?.userMigration != nil, InputPatterns.isUsername(username) else {
            return try await userUnlessHidden(username, client: client)
        }
        do {
            return try await users.user(poolID: client.poolId, username: username)
        } catch  where error.name == .userNotFound {
            let caller = Triggers.SignInCaller(clientID: client.id, validationData: nil)
            let migrated: Triggers.Migrated?
            do {
                migrated = try await Triggers(context: context).migrateUser(
                    pool: pool,
                    username: username,
                    password: nil,
                    caller: caller,
                    clientMetadata: clientMetadata
                )
            } catch  where error.name == .userNotFound && client.settings.preventUserExistenceErrors {
                return nil
            }
            guard let migrated else { return nil }
            try await signIn.create(migrated, name: username, password: nil, pool: pool)
            return try await users.user(poolID: client.poolId, username: username)
        }
    }

    /// `ConfirmSignUp`: the code confirms the user (and their email). With existence hidden, an
    /// unknown name gets `CodeMismatchException`, counted as a wrong code.
    public func confirmSignUp(client: ClientRecord, username: String, code: String, secretHash: String?) async throws(LocalPoolError) {
        try SecretHash.check(secretHash, client: client, username: username)
        guard let user = try await userUnlessHidden(username, client: client) else {
            try await codes.refuse(poolID: client.poolId, username: username, purpose: .signUp)
        }
        guard user.status == .unconfirmed else {
            throw .notAuthorized("User cannot be confirmed. Current status is \(user.status.rawValue)")
        }
        try await codes.consume(of: user, purpose: .signUp, code: code)
        try await confirm(user)
        try await postConfirmation(user, source: "PostConfirmation_ConfirmSignUp", clientID: client.id)
    }

    /// `AdminConfirmSignUp`: confirms without a code.
    public func adminConfirmSignUp(poolID: String, username: String) async throws(LocalPoolError) {
        let user = try await users.user(poolID: poolID, username: username)
        guard user.status == .unconfirmed else {
            throw .notAuthorized("User cannot be confirmed. Current status is \(user.status.rawValue)")
        }
        try await confirm(user)
        try await postConfirmation(user, source: "PostConfirmation_ConfirmSignUp", clientID: nil)
    }

    /// The pool's PostConfirmation trigger, after the confirmation is stored: a failure is the
    /// operation's answer, and the user stays confirmed, as on Cognito.
    private func postConfirmation(_ user: UserRecord, source: String, clientID: String?) async throws(LocalPoolError) {
        let pool = try await pools.pool(user.poolId)
        guard let arn = pool.lambdaConfig?.postConfirmation else { return }
        let confirmed = try await users.user(poolID: user.poolId, username: user.username)
        _ = try await Triggers(context: context).run(
            "PostConfirmation",
            arn: arn,
            source: source,
            poolID: pool.id,
            Triggers.Invocation(
                userName: confirmed.username,
                clientID: clientID,
                request: [
                    "userAttributes": Triggers.attributes(
                        confirmed.attributes + [UserRecord.Attribute(name: "sub", value: confirmed.sub)]
                            + [UserRecord.Attribute(name: "cognito:user_status", value: confirmed.status.rawValue)]
                    ),
                    "clientMetadata": Triggers.strings([:]),
                ],
                response: [:]
            )
        )
    }

    private func confirm(_ user: UserRecord) async throws(LocalPoolError) {
        try await users.update(poolID: user.poolId, username: user.username) { user in
            user.status = .confirmed
            if user.attribute("email") != nil { user.set("email_verified", "true") }
        }
        try await context.store { try await context.storage.codes.deleteCodes(poolID: user.poolId, username: user.username, purpose: .signUp) }
    }

    /// `ResendConfirmationCode`. With existence hidden, an unknown or disabled name gets a
    /// made-up delivery, under the same limits, as Cognito documents.
    public func resendConfirmationCode(client: ClientRecord, username: String, secretHash: String?) async throws(LocalPoolError) -> CodeDelivery? {
        try SecretHash.check(secretHash, client: client, username: username)
        let hidden = client.settings.preventUserExistenceErrors
        guard let user = try await userUnlessHidden(username, client: client), user.enabled || !hidden else {
            return try await codes.simulateSent(poolID: client.poolId, username: username, purpose: .signUp)
        }
        guard user.status == .unconfirmed else { throw .invalidParameter("User is already confirmed.") }
        guard let delivery = try await codes.send(to: user, purpose: .signUp, source: .resendCode, clientID: client.id) else {
            return hidden ? try await codes.simulatedDelivery(poolID: client.poolId, username: user.username) : nil
        }
        return delivery
    }

    /// `ForgotPassword`: a code to set a new password with. With existence hidden, a name that
    /// is unknown, disabled or without an email gets a made-up delivery shaped like a real one,
    /// under the same limits, as Cognito documents.
    public func forgotPassword(
        client: ClientRecord,
        username: String,
        secretHash: String?,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> CodeDelivery? {
        try SecretHash.check(secretHash, client: client, username: username)
        let hidden = client.settings.preventUserExistenceErrors
        guard let user = try await userOrMigrated(username, client: client, clientMetadata: clientMetadata) else {
            return try await codes.simulateSent(poolID: client.poolId, username: username, purpose: .forgotPassword)
        }
        guard user.enabled, user.attribute("email") != nil else {
            if hidden { return try await codes.simulateSent(poolID: client.poolId, username: user.username, purpose: .forgotPassword) }
            guard user.enabled else { throw .notAuthorized("User is disabled.") }
            throw .invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
        }
        return try await codes.send(
            to: user,
            purpose: .forgotPassword,
            source: .forgotPassword,
            clientID: client.id,
            clientMetadata: clientMetadata
        )
    }

    /// `ConfirmForgotPassword`: the code sets the new password and confirms the user.
    public func confirmForgotPassword(
        client: ClientRecord,
        username: String,
        code: String,
        password: String,
        secretHash: String?
    ) async throws(LocalPoolError) {
        try SecretHash.check(secretHash, client: client, username: username)
        // The policy first, for every name: its answer must not depend on who exists.
        if let problem = try await users.passwordProblem(password, poolID: client.poolId) { throw LocalPoolError(.invalidPassword, problem) }
        let hidden = client.settings.preventUserExistenceErrors
        guard let user = try await userUnlessHidden(username, client: client), !hidden || (user.enabled && user.attribute("email") != nil)
        else {
            // Unknown or disabled (or without an email, so its ForgotPassword was made up too):
            // CodeMismatchException, as Cognito documents, counted alike.
            try await codes.refuse(poolID: client.poolId, username: username, purpose: .forgotPassword)
        }
        try await codes.consume(of: user, purpose: .forgotPassword, code: code)
        try await users.setPassword(poolID: user.poolId, username: user.username, password: password, permanent: true)
        try await postConfirmation(user, source: "PostConfirmation_ConfirmForgotPassword", clientID: client.id)
    }

    /// `AdminResetUserPassword`: the user must set a new password with a code before signing in.
    public func adminResetUserPassword(poolID: String, username: String) async throws(LocalPoolError) {
        let user = try await users.update(poolID: poolID, username: username) { $0.status = .resetRequired }
        try await codes.send(to: user, purpose: .forgotPassword, source: .forgotPassword)
    }

    /// The live codes of `username`, newest first (for `gatehouse users codes`).
    public func liveCodes(poolID: String, username: String) async throws(LocalPoolError) -> [UserCodeRecord] {
        let user = try await users.user(poolID: poolID, username: username)
        let now = context.clock.now()
        return try await context.store { try await context.storage.codes.liveCodes(poolID: poolID, username: user.username, now: now) }
    }
}
