import GatehouseCore
import Logging

/// TOTP MFA: a user's token and preference, and the sign-in challenges `SOFTWARE_TOKEN_MFA` (a
/// code) and `MFA_SETUP` (a pool with MFA on, a user without a token).
public struct MFA: Sendable {
    let context: PoolContext
    let users: UserAccounts
    let tokens: TokenService
    let signIn: SignIn

    /// Where a token operation comes from: the user's access token, or an `MFA_SETUP` session.
    public enum TokenOwner: Sendable {
        /// The user's access token.
        case accessToken(String)
        /// An `MFA_SETUP` challenge's session.
        case session(String)
    }

    /// AssociateSoftwareToken: a new secret (base32), pending until a code from it is verified.
    /// An `MFA_SETUP` session keeps its secret to itself: another session (or the user's own
    /// enrolment elsewhere) neither sees nor replaces it.
    public func associateSoftwareToken(_ owner: TokenOwner) async throws(LocalPoolError) -> String {
        let secret = SoftwareToken.newSecret()
        switch owner {
        case .accessToken(let token):
            let user = try await tokens.userOfAccessToken(token)
            try await users.update(poolID: user.poolId, username: user.username) { $0.totpPendingSecret = secret.key }
        case .session(let session):
            var (record, _) = try await signIn.pendingChallenge(.mfaSetup, session: session, client: nil, username: nil)
            record.pendingSecret = secret.key
            let updated = record
            try await context.store { try await context.storage.challenges.update(updated) }
        }
        return secret.base32
    }

    /// VerifySoftwareToken: a code from the pending secret makes it the user's token. From an
    /// `MFA_SETUP` session it is also turned on, and that session (only) may then complete the
    /// sign-in with RespondToAuthChallenge.
    public func verifySoftwareToken(_ owner: TokenOwner, code: String) async throws(LocalPoolError) {
        let user: UserRecord
        let pending: String?
        var setup: AuthSessionRecord?
        switch owner {
        case .accessToken(let token):
            user = try await tokens.userOfAccessToken(token)
            pending = user.totpPendingSecret
        case .session(let session):
            let (record, sessionUser) = try await signIn.pendingChallenge(.mfaSetup, session: session, client: nil, username: nil)
            (user, pending, setup) = (sessionUser, record.pendingSecret, record)
        }
        guard let pending else {
            throw LocalPoolError(.softwareTokenMFANotFound, "Software token MFA has not been associated with the user.")
        }
        guard let step = SoftwareToken.acceptedStep(code, key: pending, now: context.clock.now(), after: user.totpLastStep) else {
            throw LocalPoolError(.enableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
        }
        let fromSetup = setup != nil
        try await users.update(poolID: user.poolId, username: user.username) { user in
            user.totpSecret = pending
            if !fromSetup { user.totpPendingSecret = nil }
            user.totpLastStep = step
            if fromSetup { user.totpEnabled = true }
        }
        if var setup {
            // This session proved a code: it, and no other, may finish the sign-in.
            setup.pendingSecret = nil
            setup.setupVerified = true
            let verified = setup
            try await context.store { try await context.storage.challenges.update(verified) }
        }
    }

    /// SetUserMFAPreference and AdminSetUserMFAPreference for software tokens (`enabled` nil:
    /// unchanged). Turning it on needs a verified token.
    public func setSoftwareTokenPreference(poolID: String, username: String, enabled: Bool?) async throws(LocalPoolError) {
        guard let enabled else { return }
        let user = try await users.user(poolID: poolID, username: username)
        guard !enabled || user.totpSecret != nil else { throw .invalidParameter("User has not verified software token mfa") }
        try await users.update(poolID: poolID, username: user.username) { $0.totpEnabled = enabled }
    }

    /// The secret (base32) an `MFA_SETUP` session's AssociateSoftwareToken handed out, to show again.
    public func pendingSoftwareTokenSecret(session: String) async throws(LocalPoolError) -> String? {
        try await signIn.pendingChallenge(.mfaSetup, session: session, client: nil, username: nil).0.pendingSecret.map {
            SoftwareToken.base32(Array($0.utf8))
        }
    }
}
