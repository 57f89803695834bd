public import GatehouseCore
public import GatehouseHTTP

/// The caller of a request, once its token passed every rule (signature, issuer, client,
/// expiry, token use, and the revocation check when it is on).
public struct SignedInUser: Sendable {
    /// Everything Gatehouse knows of the request's identity: the verified token's claims, the
    /// raw token, and the session when it came by cookie.
    public let identity: Identity

    /// Wraps a verified identity.
    public init(_ identity: Identity) { self.identity = identity }

    /// The user's id in the pool (`sub`).
    public var sub: String { identity.token.subject }
    /// The user name; empty for an app client's own token (see ``isClientCredentials``).
    public var username: String { identity.token.username }
    /// Whether the caller is an app client with its own token (`client_credentials`, machine to
    /// machine): no user, `sub` is the client id, and ``scopes`` say what it may do.
    public var isClientCredentials: Bool { identity.token.isClientCredentials }
    /// The user's groups (`cognito:groups`).
    public var groups: [String] { identity.groups }
    /// The access token's scopes (none for an ID token).
    public var scopes: [String] { (identity.token.claims["scope"]?.stringValue ?? "").split(separator: " ").map(String.init) }
    /// Whether the credential was an access or an ID token.
    public var tokenUse: TokenUse { identity.token.tokenUse }
    /// The token as sent, or the session's current access token: for calls to other services
    /// made as the user.
    public var token: String { identity.rawToken }

    /// The error of a route that needs a user and got none.
    static let missing = GatehouseError(.missingToken, message: "Sign in, or send a bearer token.")
}
