/// TOTP MFA: SetUserPoolMfaConfig, GetUserPoolMfaConfig, AssociateSoftwareToken,
/// VerifySoftwareToken, SetUserMFAPreference, AdminSetUserMFAPreference.
enum MFAOperations {
    static let handlers: [String: OperationHandler] = [
        SetUserPoolMfaConfig.name: SetUserPoolMfaConfig.handler, GetUserPoolMfaConfig.name: GetUserPoolMfaConfig.handler,
        AssociateSoftwareToken.name: AssociateSoftwareToken.handler, VerifySoftwareToken.name: VerifySoftwareToken.handler,
        SetUserMFAPreference.name: SetUserMFAPreference.handler, AdminSetUserMFAPreference.name: AdminSetUserMFAPreference.handler,
    ]

    /// `SoftwareTokenMfaConfigType`.
    struct SoftwareTokenConfig: Codable, Sendable {
        var enabled: Bool?
    }

    /// `WebAuthnConfigurationType`.
    struct WebAuthnConfig: Codable, Sendable {
        var relyingPartyId: String?
        var userVerification: String?

        /// The settings asked for: a domain name for the relying party, `required` or `preferred`.
        func settings() throws(LocalPoolError) -> WebAuthnSettings {
            if let relyingPartyId, !InputPatterns.isDomainName(relyingPartyId) {
                throw .invalidParameter("RelyingPartyId must be a domain name (like auth.example.com).")
            }
            let verification = userVerification ?? WebAuthnSettings.defaults.userVerification
            guard ["required", "preferred"].contains(verification) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'webAuthnConfiguration.userVerification' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [required, preferred]"
                )
            }
            return WebAuthnSettings(relyingPartyId: relyingPartyId, userVerification: verification)
        }
    }

    /// A pool's MFA settings, as both calls answer them.
    struct ConfigResponse: Encodable, Sendable {
        var softwareTokenMfaConfiguration: SoftwareTokenConfig
        var mfaConfiguration: String
        var webAuthnConfiguration: WebAuthnConfig

        init(_ pool: PoolRecord) {
            softwareTokenMfaConfiguration = SoftwareTokenConfig(enabled: pool.softwareTokenMFAEnabled)
            mfaConfiguration = pool.mfaConfiguration.rawValue
            let webAuthn = pool.webAuthn ?? .defaults
            webAuthnConfiguration = WebAuthnConfig(relyingPartyId: webAuthn.relyingPartyId, userVerification: webAuthn.userVerification)
        }
    }

    /// `SoftwareTokenMfaSettingsType`.
    struct SoftwareTokenSettings: Decodable, Sendable {
        var enabled: Bool?
        var preferredMfa: Bool?
    }

    /// Either an access token or a session (the `MFA_SETUP` challenge's).
    static func owner(accessToken: String?, session: String?) throws(LocalPoolError) -> MFA.TokenOwner {
        if let accessToken, !accessToken.isEmpty { return .accessToken(accessToken) }
        if let session, !session.isEmpty { return .session(session) }
        throw .invalidParameter("Either AccessToken or Session is required.")
    }

    struct SetUserPoolMfaConfig: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var softwareTokenMfaConfiguration: SoftwareTokenConfig?
            var mfaConfiguration: String?
            var webAuthnConfiguration: WebAuthnConfig?
        }
        static let name = "SetUserPoolMfaConfig"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> ConfigResponse {
            let configuration = try request.mfaConfiguration.map { text throws(LocalPoolError) in
                guard let value = MFAConfiguration(rawValue: text) else {
                    throw .invalidParameter(
                        "1 validation error detected: Value at 'mfaConfiguration' failed to satisfy constraint: "
                            + "Member must satisfy enum value set: [OFF, ON, OPTIONAL]"
                    )
                }
                return value
            }
            let current = try await api.service.pools.pool(request.userPoolId)
            let pool = try await api.service.pools.setMFAConfiguration(
                poolID: request.userPoolId,
                configuration: configuration ?? current.mfaConfiguration,
                softwareToken: request.softwareTokenMfaConfiguration?.enabled ?? current.softwareTokenMFAEnabled,
                webAuthn: try request.webAuthnConfiguration?.settings()
            )
            return ConfigResponse(pool)
        }
    }

    struct GetUserPoolMfaConfig: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
        }
        static let name = "GetUserPoolMfaConfig"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> ConfigResponse {
            await ConfigResponse(try api.service.pools.pool(request.userPoolId))
        }
    }

    struct AssociateSoftwareToken: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String?
            var session: String?
        }
        struct Response: Encodable, Sendable {
            var secretCode: String
            var session: String?
        }
        static let name = "AssociateSoftwareToken"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let owner = try owner(accessToken: request.accessToken, session: request.session)
            return Response(secretCode: try await api.service.mfa.associateSoftwareToken(owner), session: request.session)
        }
    }

    struct VerifySoftwareToken: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String?
            var session: String?
            var userCode: String
            var friendlyDeviceName: String?
        }
        struct Response: Encodable, Sendable {
            var status: String
            var session: String?
        }
        static let name = "VerifySoftwareToken"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let owner = try owner(accessToken: request.accessToken, session: request.session)
            try await api.service.mfa.verifySoftwareToken(owner, code: request.userCode)
            return Response(status: "SUCCESS", session: request.session)
        }
    }

    struct SetUserMFAPreference: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var softwareTokenMfaSettings: SoftwareTokenSettings?
        }
        static let name = "SetUserMFAPreference"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            try await api.service.mfa.setSoftwareTokenPreference(
                poolID: user.poolId,
                username: user.username,
                enabled: request.softwareTokenMfaSettings?.enabled
            )
            return EmptyShape()
        }
    }

    struct AdminSetUserMFAPreference: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var softwareTokenMfaSettings: SoftwareTokenSettings?
        }
        static let name = "AdminSetUserMFAPreference"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.mfa.setSoftwareTokenPreference(
                poolID: request.userPoolId,
                username: request.username,
                enabled: request.softwareTokenMfaSettings?.enabled
            )
            return EmptyShape()
        }
    }
}
