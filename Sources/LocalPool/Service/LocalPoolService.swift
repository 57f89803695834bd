public import GatehouseCore
public import Logging

/// The local pool's behaviour over its storage, in parts along the domain: pools and clients,
/// users and attributes, groups, signing in (password, SRP, MFA), self-service accounts and
/// codes, tokens, and the hosted login. The HTTP layers (the cognito-idp JSON API, the OAuth2
/// endpoints and hosted pages) translate to them.
public struct LocalPoolService: Sendable {
    /// Pools and their app clients.
    public let pools: PoolAdministration
    /// Users and their attributes.
    public let users: UserAccounts
    /// Groups and their members.
    public let groups: GroupDirectory
    /// Signing in with a password, and the sign-in's challenges.
    public let signIn: SignIn
    /// Signing in with SRP.
    public let srp: SRPSignIn
    /// Signing in through the pool's CUSTOM_AUTH triggers (and every `PASSWORD_VERIFIER` answer).
    public let customSignIn: CustomSignIn
    /// Remembered devices.
    public let devices: Devices
    /// Passkeys.
    public let passkeys: Passkeys
    /// Choice-based sign-in (USER_AUTH): passwords and one-time codes.
    public let choiceSignIn: ChoiceSignIn
    /// TOTP MFA.
    public let mfa: MFA
    /// Sign-up, forgotten and changed passwords, a user's own account.
    public let accounts: SelfService
    /// Refresh, revocation and access-token checks.
    public let tokens: TokenService
    /// The hosted login's authorize requests, codes, sessions and grants.
    public let hostedLogin: HostedLogin
    /// Risk configurations and sign-in events.
    public let threats: ThreatProtection
    /// User import jobs.
    public let imports: UserImport
    /// Sign-in through OIDC identity providers.
    public let federation: Federation
    /// Where the state is kept.
    public let storage: PoolStorage
    /// The clock.
    public let clock: WallClock
    /// The base of the issuer URLs (`{baseURL}/{poolId}`).
    public let baseURL: String

    /// A service over `storage`, issuing tokens as `{baseURL}/{poolId}`.
    public init(
        storage: PoolStorage,
        baseURL: String,
        hasher: PasswordHasher = PasswordHasher(),
        clock: WallClock = .system,
        upstream: (any UpstreamHTTP)? = nil,
        triggers: (any TriggerInvoker)? = nil,
        logger: Logger
    ) {
        let keyRing = KeyRing(storage: storage)
        let context = PoolContext(
            storage: storage,
            clock: clock,
            logger: logger,
            caches: PoolCaches(),
            hasher: hasher,
            keyRing: keyRing,
            issuer: TokenIssuer(baseURL: baseURL, keyRing: keyRing),
            upstream: upstream,
            triggerInvoker: triggers
        )
        self.storage = storage
        self.clock = clock
        self.baseURL = baseURL
        pools = PoolAdministration(context: context)
        users = UserAccounts(context: context, pools: pools)
        groups = GroupDirectory(context: context, pools: pools, users: users)
        tokens = TokenService(context: context, pools: pools)
        signIn = SignIn(context: context, pools: pools, users: users, tokens: tokens)
        srp = SRPSignIn(context: context, users: users, signIn: signIn)
        customSignIn = CustomSignIn(context: context, pools: pools, users: users, signIn: signIn, srp: srp)
        mfa = MFA(context: context, users: users, tokens: tokens, signIn: signIn)
        devices = Devices(context: context, users: users)
        let codes = Codes(context: context, pools: pools)
        passkeys = Passkeys(context: context, pools: pools, users: users)
        choiceSignIn = ChoiceSignIn(context: context, pools: pools, users: users, signIn: signIn, srp: srp, codes: codes, passkeys: passkeys)
        accounts = SelfService(context: context, pools: pools, users: users, tokens: tokens, signIn: signIn, codes: codes)
        hostedLogin = HostedLogin(context: context, pools: pools, users: users, tokens: tokens)
        threats = ThreatProtection(context: context, pools: pools)
        federation = Federation(context: context, pools: pools, users: users)
        imports = UserImport(context: context, pools: pools, users: users, baseURL: baseURL)
    }

    /// A service over the pool's SQLite file.
    public init(
        database: PoolDatabase,
        baseURL: String,
        hasher: PasswordHasher = PasswordHasher(),
        clock: WallClock = .system,
        upstream: (any UpstreamHTTP)? = nil,
        triggers: (any TriggerInvoker)? = nil,
        logger: Logger
    ) {
        self.init(
            storage: .database(database),
            baseURL: baseURL,
            hasher: hasher,
            clock: clock,
            upstream: upstream,
            triggers: triggers,
            logger: logger
        )
    }

    /// The scope of the cognito-idp API's access tokens.
    public static let apiScope = TokenRequest.apiScope
}
