public import Crypto
public import Logging

/// Verifies Cognito user-pool tokens: RS256 signature by `kid`, then the Cognito claim rules.
///
/// The checks follow aws-jwt-verify's defaults: `alg` must be `RS256`; the key is chosen by
/// `kid` only; `iss` must match exactly; `token_use` must be accepted; the client id is read
/// from `aud` (ID tokens) or `client_id` (access tokens); `exp` and `nbf` are checked with
/// ``TokenVerifierConfiguration/clockLeeway``.
public struct TokenVerifier: Sendable {
    /// The rules applied.
    public let configuration: TokenVerifierConfiguration
    private let keys: JWKSCache
    private let clock: WallClock
    private let cache: VerifiedTokenCache?

    /// A verifier using `keys` for signatures and `clock` for time.
    ///
    /// With `cache`, a token verified once is not verified again until it expires.
    public init(
        configuration: TokenVerifierConfiguration,
        keys: JWKSCache,
        clock: WallClock = .system,
        cache: VerifiedTokenCache? = nil
    ) {
        self.configuration = configuration
        self.keys = keys
        self.clock = clock
        self.cache = cache
    }

    /// Verifies `token` fully and returns its claims, or throws the first rule it fails.
    public func verify(_ token: String, logger: Logger) async throws(TokenError) -> VerifiedToken {
        guard token.utf8.count <= configuration.maximumTokenBytes else { throw TokenError(.tooLarge) }
        let now = clock.now()
        let digest = cache == nil ? nil : SHA256.hash(data: Array(token.utf8))
        if let cache, let digest, let cached = cache.value(for: digest, now: now) {
            try checkTime(expiresAt: cached.expiresAt, notBefore: nil, issuedAt: nil, now: now)
            return cached
        }
        let jws = try CompactJWS(token)
        guard jws.header["alg"]?.stringValue == "RS256" else { throw TokenError(.unsupportedAlgorithm) }
        guard jws.header["crit"] == nil else { throw TokenError(.malformed, detail: "crit header") }
        guard let kid = jws.header["kid"]?.stringValue else { throw TokenError(.malformed, detail: "no kid") }
        let key = try await keys.key(id: kid, logger: logger)
        guard key.isValidSignature(jws.signature, for: jws.signingInputDigest) else {
            throw TokenError(.badSignature)
        }
        guard let claims = try? JSONParser.parse(jws.payload).objectValue else {
            throw TokenError(.malformed, detail: "payload is not a JSON object")
        }
        let verified = try checkClaims(claims, now: now)
        if !configuration.clientIDs.contains(verified.clientID), let accepts = configuration.acceptsClient, await !accepts(verified.clientID) {
            throw TokenError(.wrongClient)
        }
        if let digest { cache?.insert(verified, for: digest, until: verified.expiresAt, now: now) }
        return verified
    }

    /// Applies the claim rules to signature-checked claims (`package` for the fuzz targets).
    package func checkClaims(_ claims: [String: JSONValue], now: Double) throws(TokenError) -> VerifiedToken {
        guard claims["iss"]?.stringValue == configuration.issuer else { throw TokenError(.wrongIssuer) }
        guard let useClaim = claims["token_use"]?.stringValue, let use = TokenUse(rawValue: useClaim),
            configuration.tokenUse.accepts(use)
        else {
            throw TokenError(.wrongTokenUse)
        }
        let clientClaim = use == .id ? "aud" : "client_id"
        guard let clientID = claims[clientClaim]?.stringValue else {
            throw TokenError(.missingClaim, detail: clientClaim)
        }
        // A client the configuration does not name may still be accepted by `acceptsClient`,
        // which `verify` asks (it may look the client up) once the other rules passed.
        guard configuration.clientIDs.contains(clientID) || configuration.acceptsClient != nil else {
            throw TokenError(.wrongClient)
        }
        guard let expiresAt = claims["exp"]?.numberValue else { throw TokenError(.missingClaim, detail: "exp") }
        let notBefore: Double?
        switch claims["nbf"] {
        case nil: notBefore = nil
        case .number(let value)?: notBefore = value
        default: throw TokenError(.malformed, detail: "nbf")
        }
        let issuedAt: Double?
        switch claims["iat"] {
        case nil: issuedAt = nil
        case .number(let value)?: issuedAt = value
        default: throw TokenError(.malformed, detail: "iat")
        }
        try checkTime(expiresAt: expiresAt, notBefore: notBefore, issuedAt: issuedAt, now: now)
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty else {
            throw TokenError(.missingClaim, detail: "sub")
        }
        let usernameClaim = use == .id ? "cognito:username" : "username"
        let username: String
        if let name = claims[usernameClaim]?.stringValue, !name.isEmpty {
            username = name
        } else if use == .access, claims[usernameClaim] == nil, subject == clientID {
            // Cognito's client_credentials token: no user, the client is the subject.
            username = ""
        } else {
            throw TokenError(.missingClaim, detail: usernameClaim)
        }
        return VerifiedToken(
            subject: subject,
            username: username,
            tokenUse: use,
            clientID: clientID,
            expiresAt: expiresAt,
            claims: claims
        )
    }

    /// `exp` past, `nbf` ahead, or `iat` ahead (a token issued in the future, refused as PyJWT
    /// and jose refuse it), each beyond the configured leeway.
    private func checkTime(expiresAt: Double, notBefore: Double?, issuedAt: Double?, now: Double) throws(TokenError) {
        guard now < expiresAt + configuration.clockLeeway else { throw TokenError(.expired) }
        if let notBefore, now + configuration.clockLeeway < notBefore { throw TokenError(.notYetValid) }
        if let issuedAt, now + configuration.clockLeeway < issuedAt { throw TokenError(.notYetValid, detail: "iat in the future") }
    }
}

/// Tokens already verified, keyed by a SHA-256 of the token (never the token), each kept no
/// longer than its `exp`: an SPA sends the same token many times, and a repeat skips the RSA check.
public typealias VerifiedTokenCache = TTLCache<SHA256.Digest, VerifiedToken>

extension TTLCache where Key == SHA256.Digest, Value == VerifiedToken {
    /// A cache of at most `capacity` verified tokens, its lookups counted in `metrics`.
    public convenience init(verifiedTokens capacity: Int, metrics: GatehouseMetrics = GatehouseMetrics()) {
        self.init(capacity: capacity, hits: metrics.tokenCacheHits, misses: metrics.tokenCacheMisses)
    }
}
