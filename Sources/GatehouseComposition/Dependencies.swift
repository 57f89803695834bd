public import AsyncHTTPClient
public import GatehouseAWS
public import GatehouseCore
public import GatehouseHTTP
public import GatehouseSessions
public import ServiceLifecycle

/// What cookie sessions are made of, when they are on.
public struct SessionSetup: Sendable {
    /// The settings.
    public let settings: SessionSettings
    /// The sealing keys.
    public let keys: SessionKeys
    /// The store.
    public let store: any SessionStore

    /// A setup from its parts.
    public init(settings: SessionSettings, keys: SessionKeys, store: any SessionStore) {
        self.settings = settings
        self.keys = keys
        self.store = store
    }
}

/// Where the API reads users and signing keys.
public enum UserPoolSource: Sendable {
    /// Cognito (or an emulator) over the network: `AdminGetUser` signed with `credentials`,
    /// the JWKS from the configured URL.
    case cognito(credentials: any AWSCredentialProvider)
    /// A pool in this process (the local pool): its users, its keys, a check that trusts every
    /// one of its clients, its view of access tokens (revocation check), and sign-out everywhere.
    case inProcess(
        directory: any UserDirectory,
        keys: any JWKSFetching,
        acceptsClient: @Sendable (String) async -> Bool,
        authority: (any AccessTokenAuthority)? = nil,
        signOut: (any UserSignOut)? = nil
    )
}

/// The one composition function, used by `serve`, the Lambda and the tests: builds the API's
/// dependencies for `configuration` on one HTTP client — the JWKS cache, the token cache, the
/// user directory behind the attribute cache, and with `sessions` the token handler on the
/// same keys and client; every part counts in `metrics`.
public func buildDependencies(
    configuration: GatehouseConfiguration,
    pool: UserPoolSource,
    httpClient: HTTPClient,
    sessions: SessionSetup? = nil,
    proxy: ProxySettings = .off,
    metrics: GatehouseMetrics = GatehouseMetrics()
) -> GatehouseDependencies {
    let transport = HTTPClientTransport(client: httpClient)
    let keySource: any JWKSFetching
    var directory: any UserDirectory
    var acceptsClient: (@Sendable (String) async -> Bool)?
    let authority: (any AccessTokenAuthority)?
    let signOut: (any UserSignOut)?
    switch pool {
    case .cognito(let credentials):
        keySource = HTTPJWKSFetcher(url: configuration.jwksURL, transport: transport)
        // The configuration was validated, so the endpoint parses.
        let cognito = CognitoIdentityProvider(
            endpoint: AWSEndpoint(url: configuration.cognitoEndpoint)!,
            region: configuration.region,
            credentials: credentials,
            transport: transport,
            metrics: metrics
        )
        directory = CognitoUserDirectory(userPoolID: configuration.userPoolID, cognito: cognito)
        // Sign-out everywhere with the server's IAM credentials: no admin scope in user tokens.
        signOut = CognitoAdminSignOut(userPoolID: configuration.userPoolID, cognito: cognito)
        // GetUser and GlobalSignOut are authorised by the user's token: no signature, no IAM.
        authority = CognitoAccessTokenAuthority(
            cognito: CognitoIdentityProvider(
                endpoint: AWSEndpoint(url: configuration.cognitoEndpoint)!,
                region: configuration.region,
                credentials: nil,
                transport: transport,
                metrics: metrics
            )
        )
    case .inProcess(let poolDirectory, let keys, let accepts, let poolAuthority, let poolSignOut):
        keySource = keys
        directory = poolDirectory
        acceptsClient = accepts
        authority = poolAuthority
        signOut = poolSignOut
    }
    var revocation: RevocationCheck?
    if configuration.revocationCheck {
        guard let authority else { preconditionFailure("the revocation check is on but the pool source has no token authority") }
        revocation = RevocationCheck(authority: authority, timeToLive: configuration.revocationCacheTTL, metrics: metrics)
    }
    let keys = JWKSCache(fetcher: keySource, metrics: metrics)
    // The session client's access tokens are accepted too: the API calls itself with them.
    let clientIDs = Set(configuration.clientIDs + (sessions.map { [$0.settings.clientID] } ?? []))
    let verifier = TokenVerifier(
        configuration: TokenVerifierConfiguration(
            issuer: configuration.issuer,
            clientIDs: clientIDs,
            tokenUse: configuration.tokenUse,
            clockLeeway: configuration.clockLeeway,
            maximumTokenBytes: configuration.maximumTokenBytes,
            acceptsClient: acceptsClient
        ),
        keys: keys,
        cache: configuration.tokenCacheSize > 0 ? VerifiedTokenCache(verifiedTokens: configuration.tokenCacheSize, metrics: metrics) : nil
    )
    if configuration.userCacheTTL > 0 {
        directory = CachedUserDirectory(
            upstream: directory,
            timeToLive: configuration.userCacheTTL,
            negativeTimeToLive: configuration.userNegativeCacheTTL,
            metrics: metrics
        )
    }
    let sessionService = sessions.map { setup in
        SessionService(
            settings: setup.settings,
            store: setup.store,
            keys: setup.keys,
            oauth: OAuthClient(
                endpoints: setup.settings.endpoints,
                clientID: setup.settings.clientID,
                clientSecret: setup.settings.clientSecret,
                transport: transport,
                metrics: metrics
            ),
            idTokens: TokenVerifier(
                configuration: TokenVerifierConfiguration(
                    issuer: configuration.issuer,
                    clientIDs: [setup.settings.clientID],
                    tokenUse: .id,
                    clockLeeway: configuration.clockLeeway,
                    maximumTokenBytes: configuration.maximumTokenBytes
                ),
                keys: keys
            ),
            authority: authority,
            signOut: signOut,
            revocation: revocation,
            metrics: metrics
        )
    }
    return GatehouseDependencies(
        userInfo: UserInfoService(verifier: verifier, directory: directory, attributeNames: configuration.attributes, revocation: revocation),
        keys: keys,
        cors: CORSPolicy(allowedOrigins: configuration.allowedOrigins),
        sessions: sessionService,
        proxy: proxy,
        proxyClient: proxy.upstreams.isEmpty ? nil : UpstreamClient(eventLoopGroup: httpClient.eventLoopGroup, trustRoots: proxy.trustRoots)
    )
}

/// Keeps the shared HTTP client alive while the application runs and shuts it down after.
public struct HTTPClientService: Service {
    /// The client.
    public let client: HTTPClient

    /// A service for `client`.
    public init(client: HTTPClient) {
        self.client = client
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
