/// The sign-in challenges the pool asks, by Cognito's names.
public enum ChallengeName: String, Codable, Sendable {
    /// SRP's second step: the client proves it knows the password.
    case passwordVerifier = "PASSWORD_VERIFIER"
    /// A user created with a temporary password chooses their own.
    case newPasswordRequired = "NEW_PASSWORD_REQUIRED"
    /// A TOTP code.
    case softwareTokenMFA = "SOFTWARE_TOKEN_MFA"
    /// A pool with MFA on, a user without a token: set one up.
    case mfaSetup = "MFA_SETUP"
    /// A challenge of the pool's CUSTOM_AUTH triggers.
    case customChallenge = "CUSTOM_CHALLENGE"
    /// Choice-based sign-in (`USER_AUTH`): pick one of the `AvailableChallenges`.
    case selectChallenge = "SELECT_CHALLENGE"
    /// A one-time code sent by email, as the first factor.
    case emailOTP = "EMAIL_OTP"
    /// A one-time code sent by SMS, as the first factor.
    case smsOTP = "SMS_OTP"
    /// A passkey's assertion, as the first factor.
    case webAuthn = "WEB_AUTHN"
    /// A confirmed device's `SRP_A`, after the password.
    case deviceSRPAuth = "DEVICE_SRP_AUTH"
    /// The device's SRP proof.
    case devicePasswordVerifier = "DEVICE_PASSWORD_VERIFIER"
}

/// The `AuthFlow` values of InitiateAuth and AdminInitiateAuth the pool knows.
enum AuthFlow: String, Sendable {
    case userSRPAuth = "USER_SRP_AUTH"
    case userPasswordAuth = "USER_PASSWORD_AUTH"
    case adminUserPasswordAuth = "ADMIN_USER_PASSWORD_AUTH"
    /// The old name of ADMIN_USER_PASSWORD_AUTH.
    case adminNoSRPAuth = "ADMIN_NO_SRP_AUTH"
    case refreshTokenAuth = "REFRESH_TOKEN_AUTH"
    /// The old name of REFRESH_TOKEN_AUTH.
    case refreshToken = "REFRESH_TOKEN"
    /// Challenges set by the pool's DefineAuthChallenge trigger.
    case customAuth = "CUSTOM_AUTH"
    /// Choice-based sign-in: the user picks a first factor.
    case userAuth = "USER_AUTH"
}
