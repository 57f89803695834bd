/// `UserPoolClientType`, as the client operations answer it (validities in seconds).
struct UserPoolClientType: Encodable, Sendable {
    struct Units: Encodable, Sendable {
        var accessToken = "seconds"
        var idToken = "seconds"
        var refreshToken = "seconds"
    }
    struct Rotation: Codable, Sendable {
        var feature: String
        var retryGracePeriodSeconds: Int?
    }
    var userPoolId: String
    var clientName: String
    var clientId: String
    var clientSecret: String?
    var creationDate: Double
    var lastModifiedDate: Double
    var explicitAuthFlows: [String]
    var allowedOAuthFlows: [String]
    var allowedOAuthScopes: [String]
    var allowedOAuthFlowsUserPoolClient: Bool
    var callbackURLs: [String]
    var logoutURLs: [String]
    var supportedIdentityProviders: [String]
    var accessTokenValidity: Int
    var idTokenValidity: Int
    var refreshTokenValidity: Int
    var tokenValidityUnits = Units()
    var preventUserExistenceErrors: String
    var enableTokenRevocation: Bool
    var readAttributes: [String]?
    var writeAttributes: [String]?
    var refreshTokenRotation: Rotation?

    init(_ client: ClientRecord) {
        let settings = client.settings
        userPoolId = client.poolId
        clientName = client.name
        clientId = client.id
        clientSecret = client.secret
        creationDate = client.createdAt
        lastModifiedDate = client.createdAt
        explicitAuthFlows = settings.explicitAuthFlows
        allowedOAuthFlows = settings.allowedOAuthFlows
        allowedOAuthScopes = settings.allowedOAuthScopes
        allowedOAuthFlowsUserPoolClient = !settings.allowedOAuthFlows.isEmpty
        callbackURLs = settings.callbackURLs
        logoutURLs = settings.logoutURLs
        supportedIdentityProviders = settings.identityProviders
        accessTokenValidity = settings.accessTokenSeconds
        idTokenValidity = settings.idTokenSeconds
        refreshTokenValidity = settings.refreshTokenSeconds
        preventUserExistenceErrors = settings.preventUserExistenceErrors ? "ENABLED" : "LEGACY"
        enableTokenRevocation = settings.enableTokenRevocation
        readAttributes = settings.readAttributes
        writeAttributes = settings.writeAttributes
        refreshTokenRotation = settings.refreshTokenRotation.map {
            Rotation(feature: $0.enabled ? "ENABLED" : "DISABLED", retryGracePeriodSeconds: $0.retryGracePeriodSeconds)
        }
    }
}

/// The settings members of Create- and UpdateUserPoolClient.
struct ClientSettingsRequest: Decodable, Sendable {
    var explicitAuthFlows: [String]?
    var allowedOAuthFlows: [String]?
    var allowedOAuthScopes: [String]?
    var callbackURLs: [String]?
    var logoutURLs: [String]?
    var readAttributes: [String]?
    var writeAttributes: [String]?
    var preventUserExistenceErrors: String?
    var enableTokenRevocation: Bool?
    var accessTokenValidity: Int?
    var idTokenValidity: Int?
    var refreshTokenValidity: Int?
    var tokenValidityUnits: [String: String]?
    var refreshTokenRotation: UserPoolClientType.Rotation?
    var supportedIdentityProviders: [String]?

    /// The client's settings: what the request leaves out is Cognito's default (so an update
    /// without a member resets it, as Cognito's does).
    func settings() throws(LocalPoolError) -> ClientSettings {
        var settings = ClientSettings.defaults
        if let explicitAuthFlows { settings.explicitAuthFlows = explicitAuthFlows }
        if let allowedOAuthFlows { settings.allowedOAuthFlows = allowedOAuthFlows }
        if let allowedOAuthScopes { settings.allowedOAuthScopes = allowedOAuthScopes }
        if let callbackURLs { settings.callbackURLs = callbackURLs }
        if let logoutURLs { settings.logoutURLs = logoutURLs }
        if let readAttributes { settings.readAttributes = readAttributes }
        if let writeAttributes { settings.writeAttributes = writeAttributes }
        if let preventUserExistenceErrors { settings.preventUserExistenceErrors = preventUserExistenceErrors == "ENABLED" }
        if let enableTokenRevocation { settings.enableTokenRevocation = enableTokenRevocation }
        if let supportedIdentityProviders { settings.supportedIdentityProviders = supportedIdentityProviders }
        if let rotation = refreshTokenRotation {
            guard ["ENABLED", "DISABLED"].contains(rotation.feature) else {
                throw .invalidParameter("RefreshTokenRotation.Feature must be ENABLED or DISABLED")
            }
            let grace = try Validate.within(rotation.retryGracePeriodSeconds, 0...60, "refreshTokenRotation.retryGracePeriodSeconds") ?? 0
            settings.refreshTokenRotation = .init(enabled: rotation.feature == "ENABLED", retryGracePeriodSeconds: grace)
        }
        // Cognito's field ranges, default units and the lifetimes they may give; 0 keeps the
        // default (only the refresh token's field allows it, as in Cognito).
        let validities: [(Int?, String, String, String, ClosedRange<Int>, ClosedRange<Int>, WritableKeyPath<ClientSettings, Double>)] = [
            (accessTokenValidity, "accessTokenValidity", "AccessToken", "hours", 1...86_400, ClientSettings.accessTokenRange, \.accessTokenValidity),
            (idTokenValidity, "idTokenValidity", "IdToken", "hours", 1...86_400, ClientSettings.idTokenRange, \.idTokenValidity),
            (
                refreshTokenValidity, "refreshTokenValidity", "RefreshToken", "days", 0...315_360_000,
                0...ClientSettings.refreshTokenRange.upperBound, \.refreshTokenValidity
            ),
        ]
        for (value, member, unitKey, defaultUnit, field, lifetime, setting) in validities {
            guard let value = try Validate.within(value, field, member) else { continue }
            let multiplier: Int
            switch tokenValidityUnits?[unitKey] ?? defaultUnit {
            case "seconds": multiplier = 1
            case "minutes": multiplier = 60
            case "hours": multiplier = 3600
            case "days": multiplier = 86400
            default: throw .invalidParameter("TokenValidityUnits.\(unitKey) must be seconds, minutes, hours or days")
            }
            // Both factors are bounded by the field ranges: no overflow.
            let seconds = value * multiplier
            guard lifetime.contains(seconds) else {
                throw .invalidParameter("\(member) must be between \(lifetime.lowerBound) and \(lifetime.upperBound) seconds (with its unit)")
            }
            if seconds > 0 { settings[keyPath: setting] = Double(seconds) }
        }
        return settings
    }
}
