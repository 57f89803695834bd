/// Where a user is in their life: Cognito's `UserStatus` values.
public enum UserStatus: String, Codable, Sendable {
    /// Signed up, not yet confirmed with the code.
    case unconfirmed = "UNCONFIRMED"
    /// Signed in with their own password.
    case confirmed = "CONFIRMED"
    /// Created by an admin: must set a new password at the first sign-in.
    case forceChangePassword = "FORCE_CHANGE_PASSWORD"
    /// An admin reset the password: it must be set again with a code.
    case resetRequired = "RESET_REQUIRED"
    /// Signed in through an identity provider; no password of their own.
    case externalProvider = "EXTERNAL_PROVIDER"
}

/// A user.
public struct UserRecord: Codable, Sendable {
    /// The pool the user belongs to.
    public var poolId: String
    /// The user name (unique in the pool).
    public var username: String
    /// The user's `sub`: a UUID, never reused.
    public var sub: String
    /// Attributes other than `sub`, in insertion order.
    public var attributes: [Attribute]
    /// The password's bcrypt hash (nil: no password yet).
    public var passwordHash: String?
    /// The SRP salt (hex), for `USER_SRP_AUTH`; nil for users whose password was set before SRP.
    public var srpSalt: String?
    /// The SRP verifier g^x (hex): a password equivalent for SRP, so as private as the hash.
    public var srpVerifier: String?
    /// A TOTP secret handed out by AssociateSoftwareToken and not yet verified.
    public var totpPendingSecret: String?
    /// The verified TOTP secret (the key's characters; clients get it in base32).
    public var totpSecret: String?
    /// Whether sign-ins ask for a TOTP code (SetUserMFAPreference).
    public var totpEnabled: Bool = false
    /// The last time step whose code was accepted: each code works once.
    public var totpLastStep: Int = 0
    /// The legacy `MFAOptions` (SetUserSettings); nil: none.
    public var mfaOptions: [MFAOption]? = nil
    /// The devices the user signed in from, when the pool tracks them (nil: none).
    public var devices: [DeviceRecord]? = nil
    /// The user's passkeys (nil: none).
    public var webAuthnCredentials: [WebAuthnCredentialRecord]? = nil
    /// Whether the user may sign in.
    public var enabled: Bool
    /// Where the user is in their life.
    public var status: UserStatus
    /// Tokens issued before this moment (global sign-out) are refused.
    public var tokensValidAfter: Double
    /// Moves on at sign-out everywhere and at every password change or reset: hosted-login
    /// sessions of an earlier generation are over.
    public var sessionGeneration: Int = 0
    /// Sign-in attempts counted towards the lockout.
    public var failedAttempts: Int
    /// Refused until this moment (seconds since 1970; 0: not locked out).
    public var lockedUntil: Double
    /// When the user was created (seconds since 1970).
    public var createdAt: Double
    /// When the user last changed.
    public var updatedAt: Double

    /// One user attribute.
    public struct Attribute: Codable, Sendable, Equatable {
        /// The attribute's name (`email`, `custom:team`, …).
        public var name: String
        /// Its value.
        public var value: String

        /// An attribute.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The value of `name` (`sub` included).
    public func attribute(_ name: String) -> String? {
        name == "sub" ? sub : attributes.first { $0.name == name }?.value
    }

    /// All attributes with `sub` first, as Cognito lists them.
    public var allAttributes: [Attribute] {
        [Attribute(name: "sub", value: sub)] + attributes
    }

    /// Sign-out everywhere at `now`: tokens issued so far refused, hosted-login sessions ended.
    mutating func signOutEverywhere(at now: Double) {
        // Token `iat` claims are whole seconds: every token issued in this second or before is
        // refused (one issued later in the same second too — the safe side).
        tokensValidAfter = now.rounded(.down)
        // And every hosted-login session, which would otherwise hand out new codes.
        sessionGeneration += 1
    }
}

/// A group of a pool's users; its name is unique in the pool.
public struct GroupRecord: Codable, Sendable {
    /// The pool the group belongs to.
    public var poolId: String
    /// The group's name (unique in the pool).
    public var name: String
    /// Its description.
    public var groupDescription: String?
    /// The IAM role its members may assume (`cognito:roles`).
    public var roleArn: String?
    /// Lower comes first in `cognito:groups`; none comes last.
    public var precedence: Int?
    /// When it was created (seconds since 1970).
    public var createdAt: Double
    /// When it last changed.
    public var updatedAt: Double

    /// `groups` in the order of `cognito:groups`: by precedence (lowest first, groups without
    /// one last), then by name.
    static func tokenOrder(_ groups: [GroupRecord]) -> [GroupRecord] {
        groups.sorted { left, right in
            switch (left.precedence, right.precedence) {
            case (let a?, let b?) where a != b: a < b
            case (.some, .none): true
            case (.none, .some): false
            default: left.name < right.name
            }
        }
    }
}

/// A user's membership of a group.
struct GroupMemberRecord: Codable, Sendable {
    var poolId: String
    var groupName: String
    var username: String
}

/// What a one-time code is for.
public enum CodePurpose: String, Codable, Sendable, CaseIterable {
    /// ConfirmSignUp.
    case signUp = "SIGN_UP"
    /// ConfirmForgotPassword (after ForgotPassword or AdminResetUserPassword).
    case forgotPassword = "FORGOT_PASSWORD"
    /// VerifyUserAttribute of a changed email.
    case verifyEmail = "VERIFY_EMAIL"
    /// A sign-in's one-time code by email (`EMAIL_OTP`).
    case emailOTP = "EMAIL_OTP"
    /// A sign-in's one-time code by SMS (`SMS_OTP`).
    case smsOTP = "SMS_OTP"

    /// Whether the code signs the user in (eight digits, three minutes).
    public var signsIn: Bool { self == .emailOTP || self == .smsOTP }
}

/// A one-time code the pool "sent" (it sends no mail: codes go to the log and to
/// `gatehouse users codes`, so they are kept as they are; the data directory is private).
public struct UserCodeRecord: Codable, Sendable {
    /// The user's pool.
    public var poolId: String
    /// The user.
    public var username: String
    /// What it is for.
    public var purpose: CodePurpose
    /// The code (six digits).
    public var code: String
    /// When it was sent (seconds since 1970).
    public var createdAt: Double
    /// When it stops working.
    public var expiresAt: Double
    /// Wrong codes tried against it; at five it is withdrawn.
    public var failedAttempts: Int
}

/// Cognito's legacy `MFAOptionType`.
public struct MFAOption: Codable, Sendable, Equatable {
    /// `DeliveryMedium`: `SMS` (Cognito takes no other here).
    public var deliveryMedium: String
    /// `AttributeName`: `phone_number`.
    public var attributeName: String

    /// An option.
    public init(deliveryMedium: String, attributeName: String) {
        self.deliveryMedium = deliveryMedium
        self.attributeName = attributeName
    }
}
