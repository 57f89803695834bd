import GatehouseCore

/// A user pool.
public struct PoolRecord: Codable, Sendable {
    /// The pool id, `{region}_{random}`.
    public var id: String
    /// The pool's name.
    public var name: String
    /// Cognito's `AdminCreateUserConfig.AllowAdminCreateUserOnly`: when set, `SignUp` is refused.
    public var allowAdminCreateUserOnly: Bool
    /// Whether sign-ins ask for a second factor.
    public var mfaConfiguration: MFAConfiguration = .off
    /// Whether TOTP (software token) MFA is on for the pool.
    public var softwareTokenMFAEnabled: Bool = false
    /// When it was created (seconds since 1970).
    public var createdAt: Double
    /// When it last changed.
    public var updatedAt: Double
    /// `Policies.PasswordPolicy`; nil is Cognito's default.
    public var passwordPolicy: PasswordPolicy?
    /// `UserPoolTags`: the pool's tags (nil: none).
    public var tags: [String: String]? = nil
    /// `LogDeliveryConfiguration.LogConfigurations` (nil: none set).
    public var logConfigurations: [LogConfiguration]? = nil
    /// `Schema`: the standard attributes configured at creation and the custom attributes
    /// (nil: Cognito's standard schema alone). See ``PoolSchema``.
    public var schema: [SchemaAttribute]? = nil
    /// `SetUICustomization`: by app client id, or `ALL` (nil: none).
    public var uiCustomizations: [String: UICustomization]? = nil
    /// `UserPoolAddOns.AdvancedSecurityMode`: `AUDIT` or `ENFORCED` threat protection (nil: `OFF`).
    public var advancedSecurityMode: String? = nil
    /// `SetRiskConfiguration`: by app client id, or `ALL` (nil: none).
    public var riskConfigurations: [String: RiskConfiguration]? = nil
    /// `LambdaConfig`: the functions the pool's triggers call (nil: none).
    public var lambdaConfig: LambdaTriggers? = nil
    /// `Policies.SignInPolicy.AllowedFirstAuthFactors` (nil: the password alone).
    public var allowedFirstAuthFactors: [AuthFactor]? = nil
    /// `WebAuthnConfiguration` (nil: Cognito's defaults).
    public var webAuthn: WebAuthnSettings? = nil
    /// `DeviceConfiguration` (nil: devices are not tracked).
    public var deviceConfiguration: DeviceSettings? = nil

    /// The first factors the pool's users may sign in with.
    public var firstAuthFactors: [AuthFactor] { allowedFirstAuthFactors ?? AuthFactor.defaults }

    /// The policy passwords of this pool must meet.
    public var effectivePasswordPolicy: PasswordPolicy { passwordPolicy ?? .cognitoDefault }
}

/// A pool's `PasswordPolicyType`: what a password must have.
public struct PasswordPolicy: Codable, Sendable, Equatable {
    /// At least this many characters (6 to 99).
    public var minimumLength: Int
    /// At least one uppercase letter.
    public var requireUppercase: Bool
    /// At least one lowercase letter.
    public var requireLowercase: Bool
    /// At least one digit.
    public var requireNumbers: Bool
    /// At least one symbol.
    public var requireSymbols: Bool
    /// Days an admin-set temporary password may be used (0 to 365).
    public var temporaryPasswordValidityDays: Int

    /// Cognito's default: 8 characters with every kind, temporary passwords a week.
    public static let cognitoDefault = PasswordPolicy(
        minimumLength: 8,
        requireUppercase: true,
        requireLowercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 7
    )

    /// The ranges Cognito allows.
    public static let minimumLengthRange = 6...99
    /// The days a temporary password may be valid, as Cognito allows.
    public static let temporaryPasswordValidityRange = 0...365
}

/// An app client's settings (stored as JSON).
public struct ClientSettings: Codable, Sendable, Equatable {
    /// `ExplicitAuthFlows`: the cognito-idp sign-in flows allowed (`ALLOW_USER_SRP_AUTH`, …).
    public var explicitAuthFlows: [String]
    /// `AllowedOAuthFlows`: `code`, `client_credentials`.
    public var allowedOAuthFlows: [String]
    /// `AllowedOAuthScopes`: the scopes the hosted login may grant.
    public var allowedOAuthScopes: [String]
    /// `CallbackURLs`: where codes may be sent.
    public var callbackURLs: [String]
    /// `LogoutURLs`: where logout may send the browser.
    public var logoutURLs: [String]
    /// Seconds.
    public var accessTokenValidity: Double
    /// Seconds.
    public var idTokenValidity: Double
    /// Seconds.
    public var refreshTokenValidity: Double
    /// `ReadAttributes`: the attributes ID tokens carry (nil: all).
    public var readAttributes: [String]?
    /// `WriteAttributes`: the attributes the client's users may write themselves (nil: all but
    /// the verified flags).
    public var writeAttributes: [String]? = nil
    /// `PreventUserExistenceErrors`: names that do not exist get the answers real ones would.
    public var preventUserExistenceErrors: Bool
    /// `EnableTokenRevocation`: RevokeToken works for the client's refresh tokens.
    public var enableTokenRevocation: Bool
    /// Refresh-token rotation (`RefreshTokenRotation`); nil or disabled: refresh tokens are reused.
    public var refreshTokenRotation: RefreshTokenRotation?
    /// `SupportedIdentityProviders`: `COGNITO` (the pool's own users) and the pool's providers
    /// whose buttons the hosted login shows (nil: `COGNITO` alone).
    public var supportedIdentityProviders: [String]? = nil

    /// The providers the client's users may sign in with.
    public var identityProviders: [String] { supportedIdentityProviders ?? ["COGNITO"] }

    /// Cognito's `RefreshTokenRotationType`.
    public struct RefreshTokenRotation: Codable, Sendable, Equatable {
        /// `ENABLED`: each refresh answers a new refresh token.
        public var enabled: Bool
        /// How long (0 to 60 s) a rotated-out refresh token still works, for client retries.
        public var retryGracePeriodSeconds: Int

        /// A rotation setting.
        public init(enabled: Bool, retryGracePeriodSeconds: Int) {
            self.enabled = enabled
            self.retryGracePeriodSeconds = retryGracePeriodSeconds
        }
    }

    /// Whether refreshes rotate the refresh token.
    public var rotatesRefreshTokens: Bool { refreshTokenRotation?.enabled ?? false }

    /// Cognito's defaults for a new client.
    public static let defaults = ClientSettings(
        explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"],
        allowedOAuthFlows: [],
        allowedOAuthScopes: [],
        callbackURLs: [],
        logoutURLs: [],
        accessTokenValidity: 3600,
        idTokenValidity: 3600,
        refreshTokenValidity: 30 * 86400,
        readAttributes: nil,
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        refreshTokenRotation: nil
    )

    /// Lifetimes in seconds: Cognito's maximums (a day for access and ID tokens, ten years for
    /// refresh tokens). The minimum is one second, below Cognito's (5 minutes, 1 hour), so that
    /// tests of expiry and refresh need not wait.
    public static let accessTokenRange = 1...86_400
    /// ID token lifetimes, in seconds.
    public static let idTokenRange = 1...86_400
    /// Refresh token lifetimes, in seconds.
    public static let refreshTokenRange = 1...315_360_000

    /// The access token's lifetime in whole seconds, within Cognito's limits whatever is stored
    /// (a client saved before the API checked its numbers may hold anything).
    public var accessTokenSeconds: Int { Self.wholeSeconds(accessTokenValidity, in: Self.accessTokenRange) }
    /// The ID token's lifetime in whole seconds, within Cognito's limits.
    public var idTokenSeconds: Int { Self.wholeSeconds(idTokenValidity, in: Self.idTokenRange) }
    /// The refresh token's lifetime in whole seconds, within Cognito's limits.
    public var refreshTokenSeconds: Int { Self.wholeSeconds(refreshTokenValidity, in: Self.refreshTokenRange) }

    /// `value` clamped into `range`, without a trapping conversion (NaN counts as the lower bound).
    static func wholeSeconds(_ value: Double, in range: ClosedRange<Int>) -> Int {
        guard !value.isNaN else { return range.lowerBound }
        if value <= Double(range.lowerBound) { return range.lowerBound }
        if value >= Double(range.upperBound) { return range.upperBound }
        return Int(value)
    }
}

/// An app client.
public struct ClientRecord: Codable, Sendable {
    /// The client id.
    public var id: String
    /// The pool it belongs to.
    public var poolId: String
    /// The client's name.
    public var name: String
    /// The secret of a confidential client (nil: a public client).
    public var secret: String?
    /// What it may do.
    public var settings: ClientSettings
    /// When it was created (seconds since 1970).
    public var createdAt: Double
    /// Every secret, oldest first, once AddUserPoolClientSecret has been used (nil: only
    /// ``secret``); ``secret`` is always the first of them.
    public var secretList: [ClientSecretRecord]? = nil

    /// Every secret the client accepts (one, or two during a rotation), oldest first.
    public var secrets: [ClientSecretRecord] {
        secretList ?? secret.map { [ClientSecretRecord(id: "\(id)--\(Int(createdAt * 1000))", value: $0, createdAt: createdAt)] } ?? []
    }

    /// Whether `candidate` is one of the client's secrets (each compared in constant time).
    public func accepts(secret candidate: String) -> Bool {
        secrets.reduce(false) { found, secret in ConstantTime.equals(candidate, secret.value) || found }
    }
}

/// One of a confidential client's secrets (`ClientSecretDescriptorType`).
public struct ClientSecretRecord: Codable, Sendable, Equatable {
    /// `ClientSecretId`.
    public var id: String
    /// `ClientSecretValue`.
    public var value: String
    /// `ClientSecretCreateDate`.
    public var createdAt: Double
}

/// A pool's `MfaConfiguration`.
public enum MFAConfiguration: String, Codable, Sendable {
    /// No second factor is asked.
    case off = "OFF"
    /// Users who turned a factor on are asked for it.
    case optional = "OPTIONAL"
    /// Every user is asked for it, and sets one up at the first sign-in without one.
    case on = "ON"
}
