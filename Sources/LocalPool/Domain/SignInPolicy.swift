/// A first factor a pool lets its users sign in with (`SignInPolicy.AllowedFirstAuthFactors`).
public enum AuthFactor: String, Codable, Sendable, CaseIterable {
    /// A password, by value or with SRP.
    case password = "PASSWORD"
    /// A one-time code sent to the user's verified email address.
    case emailOTP = "EMAIL_OTP"
    /// A one-time code sent to the user's verified phone number.
    case smsOTP = "SMS_OTP"
    /// A passkey.
    case webAuthn = "WEB_AUTHN"

    /// Whether the factor signs in without a password (and so without an MFA step).
    public var isPasswordless: Bool { self != .password }

    /// A pool's factors when it set none: the password alone.
    public static let defaults: [AuthFactor] = [.password]

    /// `AllowedFirstAuthFactors` checked as Cognito does: known values, the password among them.
    static func checked(_ names: [String]) throws(LocalPoolError) -> [AuthFactor] {
        var factors: [AuthFactor] = []
        for name in names {
            guard let factor = AuthFactor(rawValue: name) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN]"
                )
            }
            if !factors.contains(factor) { factors.append(factor) }
        }
        guard factors.contains(.password) else { throw .invalidParameter("AllowedFirstAuthFactors must include PASSWORD.") }
        return factors
    }
}

/// A pool's `WebAuthnConfiguration` (SetUserPoolMfaConfig): the relying party passkeys are
/// bound to, and whether the authenticator must verify the user.
public struct WebAuthnSettings: Codable, Sendable, Equatable {
    /// `RelyingPartyId`: a domain; nil is the pool's hosted-login domain.
    public var relyingPartyId: String?
    /// `UserVerification`: `required` or `preferred` (the default).
    public var userVerification: String

    /// Cognito's defaults.
    public static let defaults = WebAuthnSettings(relyingPartyId: nil, userVerification: "preferred")

    /// Whether an assertion without the user-verified flag is refused.
    public var requiresUserVerification: Bool { userVerification == "required" }
}

/// A pool's `DeviceConfiguration`: whether devices are remembered, and how.
public struct DeviceSettings: Codable, Sendable, Equatable {
    /// `ChallengeRequiredOnNewDevice`: a remembered device stands in for the MFA step (so only a
    /// new device answers it). When false, every sign-in of a user with MFA answers it.
    public var challengeRequiredOnNewDevice: Bool
    /// `DeviceOnlyRememberedOnUserPrompt`: a device is remembered only when the user says so
    /// (UpdateDeviceStatus); otherwise every confirmed device is.
    public var deviceOnlyRememberedOnUserPrompt: Bool
}
