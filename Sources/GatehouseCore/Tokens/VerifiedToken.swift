/// A token whose signature and claims passed every rule.
public struct VerifiedToken: Sendable {
    /// The user's stable id (`sub`).
    public let subject: String
    /// The username: `cognito:username` for ID tokens, `username` for access tokens; empty for a
    /// client's own token (``isClientCredentials``).
    public let username: String
    /// `id` or `access`.
    public let tokenUse: TokenUse
    /// The app client the token was issued to (`aud` or `client_id`).
    public let clientID: String
    /// Expiry, in seconds since 1970.
    public let expiresAt: Double
    /// All claims, as sent.
    public let claims: [String: JSONValue]

    /// Whether the token is a client's own, from the `client_credentials` grant (machine to
    /// machine): an access token with no user, whose `sub` is the client id. It may reach the
    /// app's APIs, but there is no profile to answer for it.
    public var isClientCredentials: Bool { username.isEmpty }
}
