/// Everything `/userinfo` needs to know, read once from the environment at start-up.
public struct GatehouseConfiguration: Sendable, Equatable {
    /// The user pool id, e.g. `us-east-1_AbCdEf123`.
    public var userPoolID: String
    /// The AWS region of the pool.
    public var region: String
    /// The exact `iss` tokens carry.
    public var issuer: String
    /// Where the pool's JWKS is fetched from.
    public var jwksURL: String
    /// The cognito-idp endpoint (`https://cognito-idp.{region}.amazonaws.com` unless overridden).
    public var cognitoEndpoint: String
    /// App client ids tokens must be issued to.
    public var clientIDs: [String]
    /// Which token kinds are accepted.
    public var tokenUse: AcceptedTokenUse
    /// Origins allowed by CORS.
    public var allowedOrigins: [String]
    /// Attributes returned besides `sub`, `username` and `name`.
    public var attributes: [String]
    /// Seconds of clock skew tolerated on `exp`/`nbf`.
    public var clockLeeway: Double
    /// Seconds a user's attributes are cached (0 turns the cache off).
    public var userCacheTTL: Double
    /// Seconds an unknown user is remembered as unknown.
    public var userNegativeCacheTTL: Double
    /// Tokens longer than this are rejected unparsed.
    public var maximumTokenBytes: Int
    /// How many verified tokens are remembered (0 turns the cache off).
    public var tokenCacheSize: Int
    /// Whether bearer access tokens are also checked live at the IdP (`GetUser`), so tokens
    /// revoked or signed out there are refused before they expire.
    public var revocationCheck: Bool
    /// Seconds a revocation check's answer is kept per token (0: ask on every request).
    public var revocationCacheTTL: Double

    /// Names of the environment variables read.
    public enum Variable {
        /// `GATEHOUSE_USER_POOL_ID`: the pool whose tokens are accepted.
        public static let userPoolID = "GATEHOUSE_USER_POOL_ID"
        /// `GATEHOUSE_ISSUER`: the issuer, when not Cognito's URL for the pool.
        public static let issuer = "GATEHOUSE_ISSUER"
        /// `GATEHOUSE_JWKS_URL`: the key set, when not the issuer's.
        public static let jwksURL = "GATEHOUSE_JWKS_URL"
        /// `GATEHOUSE_COGNITO_ENDPOINT`: the cognito-idp endpoint.
        public static let cognitoEndpoint = "GATEHOUSE_COGNITO_ENDPOINT"
        /// `GATEHOUSE_CLIENT_IDS`: the app clients whose tokens are accepted (comma-separated).
        public static let clientIDs = "GATEHOUSE_CLIENT_IDS"
        /// `GATEHOUSE_TOKEN_USE`: `access`, `id` or `any`.
        public static let tokenUse = "GATEHOUSE_TOKEN_USE"
        /// `GATEHOUSE_ALLOWED_ORIGINS`: the browser origins CORS allows (comma-separated).
        public static let allowedOrigins = "GATEHOUSE_ALLOWED_ORIGINS"
        /// `GATEHOUSE_ATTRIBUTES`: the attributes `/userinfo` returns (comma-separated).
        public static let attributes = "GATEHOUSE_ATTRIBUTES"
        /// `GATEHOUSE_CLOCK_LEEWAY`: seconds of clock skew allowed on `exp` and `nbf`.
        public static let clockLeeway = "GATEHOUSE_CLOCK_LEEWAY"
        /// `GATEHOUSE_USER_CACHE_TTL`: seconds a found user is kept.
        public static let userCacheTTL = "GATEHOUSE_USER_CACHE_TTL"
        /// `GATEHOUSE_USER_NEGATIVE_CACHE_TTL`: seconds an unknown user is remembered.
        public static let userNegativeCacheTTL = "GATEHOUSE_USER_NEGATIVE_CACHE_TTL"
        /// `GATEHOUSE_MAX_TOKEN_BYTES`: the largest token read.
        public static let maximumTokenBytes = "GATEHOUSE_MAX_TOKEN_BYTES"
        /// `GATEHOUSE_TOKEN_CACHE_SIZE`: verified tokens kept (0: none).
        public static let tokenCacheSize = "GATEHOUSE_TOKEN_CACHE_SIZE"
        /// `GATEHOUSE_REVOCATION_CHECK`: `on` asks the IdP whether each bearer token is still live.
        public static let revocationCheck = "GATEHOUSE_REVOCATION_CHECK"
        /// `GATEHOUSE_REVOCATION_CACHE_TTL`: seconds a revocation answer is kept.
        public static let revocationCacheTTL = "GATEHOUSE_REVOCATION_CACHE_TTL"
        /// `AWS_REGION`: the region.
        public static let region = "AWS_REGION"
        /// `AWS_DEFAULT_REGION`: the region, when `AWS_REGION` is not set.
        public static let defaultRegion = "AWS_DEFAULT_REGION"
        /// `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`: the SDKs' cognito-idp endpoint override.
        public static let cognitoEndpointSDK = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"
        /// `AWS_ENDPOINT_URL`: the SDKs' endpoint override for every service.
        public static let endpointSDK = "AWS_ENDPOINT_URL"
    }

    /// Whether `environment` names a user pool at all (`GATEHOUSE_USER_POOL_ID` or `GATEHOUSE_ISSUER`).
    public static func namesUserPool(_ environment: [String: String]) -> Bool {
        environment.nonEmpty(Variable.userPoolID) != nil || environment.nonEmpty(Variable.issuer) != nil
    }

    /// Reads and validates the configuration; the error names the first bad variable.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let issuerOverride = environment.nonEmpty(Variable.issuer)
        if let issuerOverride { try Self.checkURL(issuerOverride, variable: Variable.issuer) }

        guard let pool = environment.nonEmpty(Variable.userPoolID) ?? issuerOverride.flatMap(Self.poolFromIssuer)
        else {
            throw ConfigurationError(
                variable: Variable.userPoolID,
                problem: "not set; name the Cognito user pool (e.g. us-east-1_AbCdEf123)"
            )
        }
        guard Self.isValidPoolID(pool) else {
            throw ConfigurationError(
                variable: Variable.userPoolID,
                problem: "malformed; expected {region}_{id} such as us-east-1_AbCdEf123"
            )
        }
        userPoolID = pool
        let poolRegion = String(pool.prefix { $0 != "_" })
        region = environment.nonEmpty(Variable.region) ?? environment.nonEmpty(Variable.defaultRegion) ?? poolRegion
        guard Self.isValidRegion(region) else {
            throw ConfigurationError(variable: Variable.region, problem: "malformed region")
        }
        issuer = issuerOverride ?? "https://cognito-idp.\(poolRegion).amazonaws.com/\(pool)"
        jwksURL = environment.nonEmpty(Variable.jwksURL) ?? "\(issuer)/.well-known/jwks.json"
        try Self.checkURL(jwksURL, variable: Variable.jwksURL)

        let endpointSources = [Variable.cognitoEndpoint, Variable.cognitoEndpointSDK, Variable.endpointSDK]
        if let source = endpointSources.first(where: { environment.nonEmpty($0) != nil }) {
            cognitoEndpoint = environment[source]!.trimmingASCIIWhitespace().description
            try Self.checkURL(cognitoEndpoint, variable: source)
        } else {
            cognitoEndpoint = "https://cognito-idp.\(region).amazonaws.com"
        }

        clientIDs = environment.list(Variable.clientIDs)
        guard !clientIDs.isEmpty else {
            throw ConfigurationError(
                variable: Variable.clientIDs,
                problem: "not set; list the app client ids tokens must be issued to"
            )
        }
        guard clientIDs.allSatisfy(Self.isValidClientID) else {
            throw ConfigurationError(variable: Variable.clientIDs, problem: "an app client id is malformed")
        }

        let use = environment.nonEmpty(Variable.tokenUse) ?? "any"
        guard let tokenUse = AcceptedTokenUse(rawValue: use.lowercased()) else {
            throw ConfigurationError(variable: Variable.tokenUse, problem: "must be access, id or any")
        }
        self.tokenUse = tokenUse

        allowedOrigins = environment.list(Variable.allowedOrigins)
        for origin in allowedOrigins where !Self.isValidOrigin(origin) {
            throw ConfigurationError(
                variable: Variable.allowedOrigins,
                problem: "\"\(origin)\" is not an origin like https://app.example.com"
            )
        }
        attributes =
            environment.nonEmpty(Variable.attributes).map { _ in environment.list(Variable.attributes) }
            ?? ["email", "nickname"]

        clockLeeway = try environment.number(Variable.clockLeeway, default: 0, maximum: 300)
        userCacheTTL = try environment.number(Variable.userCacheTTL, default: 60, maximum: 3600)
        userNegativeCacheTTL = try environment.number(Variable.userNegativeCacheTTL, default: 5, maximum: 3600)
        maximumTokenBytes = Int(try environment.number(Variable.maximumTokenBytes, default: 16384, maximum: 1_048_576))
        tokenCacheSize = Int(try environment.number(Variable.tokenCacheSize, default: 10000, maximum: 1_000_000))
        switch environment.nonEmpty(Variable.revocationCheck)?.lowercased() {
        case nil, "off": revocationCheck = false
        case "on": revocationCheck = true
        default: throw ConfigurationError(variable: Variable.revocationCheck, problem: "must be on or off")
        }
        revocationCacheTTL = try environment.number(Variable.revocationCacheTTL, default: 10, maximum: 300)
    }

    /// The configuration of a pool this process runs itself (the local pool): its issuer,
    /// clients and app origins as given, the tunables (caches, leeway, attributes) from
    /// `environment` as usual.
    public init(
        inProcessPool poolID: String,
        issuer: String,
        clientIDs: [String],
        allowedOrigins: [String],
        environment: [String: String]
    ) throws(ConfigurationError) {
        var merged = environment
        merged[Variable.userPoolID] = poolID
        merged[Variable.issuer] = issuer
        merged[Variable.clientIDs] = clientIDs.joined(separator: ",")
        merged[Variable.allowedOrigins] = allowedOrigins.joined(separator: ",")
        for name in [Variable.jwksURL, Variable.cognitoEndpoint, Variable.cognitoEndpointSDK, Variable.endpointSDK] {
            merged[name] = nil
        }
        try self.init(environment: merged)
    }

    static func isValidPoolID(_ id: String) -> Bool {
        let parts = id.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, isValidRegion(String(parts[0])), !parts[1].isEmpty, parts[1].count <= 40 else {
            return false
        }
        return parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    static func isValidRegion(_ region: String) -> Bool {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard (3...4).contains(parts.count), let last = parts.last, last.allSatisfy(\.isNumber), !last.isEmpty else {
            return false
        }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }
    }

    /// Whether `id` looks like an app client id (1–128 of `[A-Za-z0-9_+]`).
    public static func isValidClientID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "+") }
    }

    /// Whether `origin` is `http(s)://host[:port]` and nothing more.
    public static func isValidOrigin(_ origin: String) -> Bool {
        let scheme: String
        if origin.hasPrefix("https://") {
            scheme = "https"
        } else if origin.hasPrefix("http://") {
            scheme = "http"
        } else {
            return false
        }
        let host = origin.dropFirst(scheme.count + 3)
        return !host.isEmpty && !host.contains("/")
            && !host.contains("?") && !host.contains("#") && !host.contains("@")
    }

    /// Throws unless `url` is an http(s) URL; the error names `variable`.
    public static func checkURL(_ url: String, variable: String) throws(ConfigurationError) {
        guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.count > 8, !url.contains(" ") else {
            throw ConfigurationError(variable: variable, problem: "must be an http(s) URL")
        }
    }

    static func poolFromIssuer(_ issuer: String) -> String? {
        let last = issuer.split(separator: "/").last.map(String.init)
        return last.flatMap { isValidPoolID($0) ? $0 : nil }
    }
}

extension [String: String] {
    /// The trimmed value of `key`, nil when unset or blank.
    public func nonEmpty(_ key: String) -> String? {
        guard let value = self[key]?.trimmingASCIIWhitespace(), !value.isEmpty else { return nil }
        return String(value)
    }

    /// The comma-separated items of `key`, trimmed, blanks dropped.
    public func list(_ key: String) -> [String] {
        (self[key] ?? "").split(separator: ",").map { String($0.trimmingASCIIWhitespace()) }.filter { !$0.isEmpty }
    }

    /// The number in `key` (0 to `maximum`), `value` when unset; the error names `key`.
    public func number(_ key: String, default value: Double, maximum: Double) throws(ConfigurationError) -> Double {
        guard let text = nonEmpty(key) else { return value }
        guard let number = Double(text), number >= 0, number <= maximum else {
            throw ConfigurationError(variable: key, problem: "must be a number from 0 to \(Int(maximum))")
        }
        return number
    }
}
