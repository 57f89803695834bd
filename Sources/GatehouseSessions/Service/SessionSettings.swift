public import GatehouseCore

/// The token handler's settings, from `GATEHOUSE_OAUTH_*` and `GATEHOUSE_SESSION_*`.
/// Sessions are on when `GATEHOUSE_OAUTH_CLIENT_ID` is set.
public struct SessionSettings: Sendable, Equatable {
    /// Which store keeps the sessions.
    public enum StoreChoice: Sendable, Equatable {
        /// This process's memory (lost at restart; one process only).
        case memory
        /// A SQLite file (one process).
        case sqlite(path: String)
        /// A DynamoDB table (many instances; not built yet).
        case dynamodb(table: String)

        /// `memory`, `sqlite:PATH` or `dynamodb:TABLE`.
        public init(parsing text: String) throws(ConfigurationError) {
            switch text {
            case "memory": self = .memory
            case _ where text.hasPrefix("sqlite:") && text.count > 7: self = .sqlite(path: String(text.dropFirst(7)))
            case _ where text.hasPrefix("dynamodb:") && text.count > 9: self = .dynamodb(table: String(text.dropFirst(9)))
            default: throw ConfigurationError(variable: Variable.store, problem: "must be memory, sqlite:PATH or dynamodb:TABLE")
            }
        }
    }

    /// The hosted login's endpoints.
    public var endpoints: OAuthEndpoints
    /// The confidential app client's id.
    public var clientID: String
    /// Its secret (nil for a public client: the code flow still runs, with PKCE only).
    public var clientSecret: String?
    /// Where the hosted login sends the browser back (a page of the app, registered as a callback).
    public var redirectURI: String
    /// Where Cognito's `/logout` sends the browser after signing out (registered as a sign-out URL).
    public var logoutURI: String
    /// Scopes asked for.
    public var scopes: [String]
    /// The store.
    public var store: StoreChoice
    /// `GATEHOUSE_SESSION_KEYS` as given (nil: the caller supplies keys, e.g. from the data directory).
    public var keys: String?
    /// Seconds a session survives without a request.
    public var idleTimeout: Double
    /// Seconds a session lives at most (keep it within the client's refresh token validity).
    public var maxAge: Double

    /// Names of the environment variables read.
    public enum Variable {
        /// `GATEHOUSE_OAUTH_DOMAIN`: the hosted login's base URL.
        public static let domain = "GATEHOUSE_OAUTH_DOMAIN"
        /// `GATEHOUSE_OAUTH_CLIENT_ID`: the confidential client the API signs users in with.
        public static let clientID = "GATEHOUSE_OAUTH_CLIENT_ID"
        /// `GATEHOUSE_OAUTH_CLIENT_SECRET`: its secret.
        public static let clientSecret = "GATEHOUSE_OAUTH_CLIENT_SECRET"
        /// `GATEHOUSE_OAUTH_REDIRECT_URI`: where the hosted login sends the browser back (the app).
        public static let redirectURI = "GATEHOUSE_OAUTH_REDIRECT_URI"
        /// `GATEHOUSE_OAUTH_LOGOUT_URI`: where logout sends the browser.
        public static let logoutURI = "GATEHOUSE_OAUTH_LOGOUT_URI"
        /// `GATEHOUSE_OAUTH_SCOPES`: the scopes asked for.
        public static let scopes = "GATEHOUSE_OAUTH_SCOPES"
        /// `GATEHOUSE_SESSION_STORE`: `memory`, `sqlite:PATH` or `dynamodb:TABLE`.
        public static let store = "GATEHOUSE_SESSION_STORE"
        /// `GATEHOUSE_SESSION_KEYS`: the sealing keys (the format ``SessionKeys`` parses).
        public static let keys = "GATEHOUSE_SESSION_KEYS"
        /// `GATEHOUSE_SESSION_IDLE_TIMEOUT`: seconds a session lives without use.
        public static let idleTimeout = "GATEHOUSE_SESSION_IDLE_TIMEOUT"
        /// `GATEHOUSE_SESSION_MAX_AGE`: seconds a session lives at most.
        public static let maxAge = "GATEHOUSE_SESSION_MAX_AGE"
    }

    /// Default idle timeout: 8 hours.
    public static let defaultIdleTimeout: Double = 8 * 3600
    /// Default maximum age: 24 hours.
    public static let defaultMaxAge: Double = 24 * 3600

    /// Settings from their parts.
    public init(
        endpoints: OAuthEndpoints,
        clientID: String,
        clientSecret: String?,
        redirectURI: String,
        logoutURI: String? = nil,
        scopes: [String] = ["openid", "email", "profile"],
        store: StoreChoice = .memory,
        keys: String? = nil,
        idleTimeout: Double = SessionSettings.defaultIdleTimeout,
        maxAge: Double = SessionSettings.defaultMaxAge
    ) {
        self.endpoints = endpoints
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.logoutURI = logoutURI ?? redirectURI
        self.scopes = scopes
        self.store = store
        self.keys = keys
        self.idleTimeout = idleTimeout
        self.maxAge = maxAge
    }

    /// The settings in `environment`, nil when `GATEHOUSE_OAUTH_CLIENT_ID` is unset (sessions
    /// off); `defaults` fills what the environment leaves out (serve's local pool). The error
    /// names the first bad variable, never its value.
    public static func from(_ environment: [String: String], defaults: SessionSettings? = nil) throws(ConfigurationError) -> SessionSettings? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingASCIIWhitespace(), !text.isEmpty else { return nil }
            return String(text)
        }
        guard let clientID = value(Variable.clientID) ?? defaults?.clientID else { return nil }
        guard GatehouseConfiguration.isValidClientID(clientID) else {
            throw ConfigurationError(variable: Variable.clientID, problem: "malformed app client id")
        }
        guard let domain = value(Variable.domain) ?? defaults?.endpoints.domain else {
            throw ConfigurationError(
                variable: Variable.domain,
                problem: "not set; the hosted login's base URL, e.g. https://example.auth.us-east-1.amazoncognito.com"
            )
        }
        try GatehouseConfiguration.checkURL(domain, variable: Variable.domain)
        guard let redirect = value(Variable.redirectURI) ?? defaults?.redirectURI else {
            throw ConfigurationError(variable: Variable.redirectURI, problem: "not set; the app page the hosted login returns to")
        }
        try GatehouseConfiguration.checkURL(redirect, variable: Variable.redirectURI)
        let logout = value(Variable.logoutURI) ?? (value(Variable.redirectURI) == nil ? defaults?.logoutURI : nil) ?? redirect
        try GatehouseConfiguration.checkURL(logout, variable: Variable.logoutURI)
        let scopes = value(Variable.scopes).map { $0.split(separator: " ").map(String.init) } ?? defaults?.scopes ?? ["openid", "email", "profile"]
        guard scopes.contains("openid") else {
            throw ConfigurationError(variable: Variable.scopes, problem: "must include openid (the session is made from the ID token)")
        }
        let store = try value(Variable.store).map(StoreChoice.init(parsing:)) ?? defaults?.store ?? .memory
        let keys = value(Variable.keys) ?? defaults?.keys
        if let keys {
            do { _ = try SessionKeys(parsing: keys) } catch { throw ConfigurationError(variable: Variable.keys, problem: error.description) }
        }
        let idle = try environment.number(Variable.idleTimeout, default: defaults?.idleTimeout ?? defaultIdleTimeout, maximum: 31_536_000)
        let maxAge = try environment.number(Variable.maxAge, default: defaults?.maxAge ?? defaultMaxAge, maximum: 31_536_000)
        guard idle >= 60 else { throw ConfigurationError(variable: Variable.idleTimeout, problem: "must be at least 60 seconds") }
        guard maxAge >= 60 else { throw ConfigurationError(variable: Variable.maxAge, problem: "must be at least 60 seconds") }
        return SessionSettings(
            endpoints: OAuthEndpoints(domain: domain),
            clientID: clientID,
            clientSecret: value(Variable.clientSecret) ?? (value(Variable.clientID) == nil ? defaults?.clientSecret : nil),
            redirectURI: redirect,
            logoutURI: logout,
            scopes: scopes,
            store: store,
            keys: keys,
            idleTimeout: idle,
            maxAge: maxAge
        )
    }
}
