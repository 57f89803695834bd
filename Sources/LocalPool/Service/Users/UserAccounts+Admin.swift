import GatehouseCore
import Logging

extension UserAccounts {
    /// `AdminCreateUser`: the pool's PreSignUp trigger first (`PreSignUp_AdminCreateUser`; a
    /// failure creates no user), then a `FORCE_CHANGE_PASSWORD` user, its email or phone number
    /// verified when the trigger answers `autoVerifyEmail` or `autoVerifyPhone`; then its
    /// invitation (``invite(_:temporaryPassword:pool:clientMetadata:)``) unless `messageAction` is
    /// `SUPPRESS`. `RESEND` gives an existing `FORCE_CHANGE_PASSWORD` user a new temporary
    /// password and invitation instead.
    public func adminCreateUser(
        poolID: String,
        username: String,
        attributes: [UserRecord.Attribute],
        temporaryPassword: String?,
        messageAction: String? = nil,
        validationData: [String: String]? = nil,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> UserRecord {
        let pool = try await pools.pool(poolID)
        let temporary = temporaryPassword ?? Self.generatedPassword()
        switch messageAction {
        case nil, "SUPPRESS": break
        case "RESEND":
            let existing = try await user(poolID: poolID, username: username)
            guard existing.status == .forceChangePassword else {
                throw LocalPoolError(.unsupportedUserState, "Resend not possible. \(existing.username) status is not FORCE_CHANGE_PASSWORD.")
            }
            try await setPassword(poolID: poolID, username: existing.username, password: temporary, permanent: false)
            let renewed = try await user(poolID: poolID, username: existing.username)
            try await invite(renewed, temporaryPassword: temporary, pool: pool, clientMetadata: clientMetadata)
            return renewed
        default:
            throw .invalidParameter(
                "1 validation error detected: Value '\(messageAction ?? "")' at 'messageAction' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [RESEND, SUPPRESS]"
            )
        }
        let verdict = try await Triggers(context: context).preSignUp(
            pool: pool,
            source: "PreSignUp_AdminCreateUser",
            userName: username,
            clientID: nil,
            attributes: attributes,
            validationData: validationData,
            clientMetadata: clientMetadata
        )
        var user = try await createUser(poolID: poolID, username: username, attributes: attributes, temporaryPassword: temporary)
        if verdict.autoVerifyEmail || verdict.autoVerifyPhone {
            user = try await update(poolID: poolID, username: user.username) { verdict.verify(&$0) }
        }
        if messageAction != "SUPPRESS" { try await invite(user, temporaryPassword: temporary, pool: pool, clientMetadata: clientMetadata) }
        return user
    }

    /// The invitation of a user an admin created: the email with their username and temporary
    /// password (worded by the pool's CustomMessage trigger, `CustomMessage_AdminCreateUser`),
    /// "sent" to the log like the pool's codes. A user without an email gets none.
    func invite(_ user: UserRecord, temporaryPassword: String, pool: PoolRecord, clientMetadata: [String: String]?) async throws(LocalPoolError) {
        guard user.attribute("email") != nil else { return }
        let message = try await Triggers(context: context).customMessage(
            pool: pool,
            source: .adminCreateUser,
            user: user,
            clientID: nil,
            clientMetadata: clientMetadata
        )
        let sent = message.filled(code: temporaryPassword, username: user.username)
        context.logger.notice(
            "gatehouse.pool.invitation_sent",
            metadata: [
                "gatehouse.pool.username": "\(user.username)", "gatehouse.pool.email_subject": "\(sent.subject)",
                "gatehouse.pool.email_message": "\(sent.body)",
            ]
        )
    }
}
