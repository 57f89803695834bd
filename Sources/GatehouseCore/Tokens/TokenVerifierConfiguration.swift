/// The rules a ``TokenVerifier`` applies, from configuration.
public struct TokenVerifierConfiguration: Sendable {
    /// The exact `iss` tokens must carry.
    public var issuer: String
    /// App client ids tokens may be issued to (`aud` for ID tokens, `client_id` for access tokens).
    public var clientIDs: Set<String>
    /// Which token kinds are accepted.
    public var tokenUse: AcceptedTokenUse
    /// Seconds of clock skew tolerated on `exp` and `nbf`.
    public var clockLeeway: Double
    /// Tokens longer than this many bytes are rejected before any parsing.
    public var maximumTokenBytes: Int
    /// Asked about a client id not in ``clientIDs`` (the local pool's clients, which may be
    /// created after start-up, looked up without blocking); nil refuses every other client.
    /// Asked after the other claim rules passed.
    public var acceptsClient: (@Sendable (String) async -> Bool)?

    /// Rules for tokens of `issuer` issued to `clientIDs`.
    public init(
        issuer: String,
        clientIDs: Set<String>,
        tokenUse: AcceptedTokenUse = .any,
        clockLeeway: Double = 0,
        maximumTokenBytes: Int = 16 * 1024,
        acceptsClient: (@Sendable (String) async -> Bool)? = nil
    ) {
        self.issuer = issuer
        self.clientIDs = clientIDs
        self.tokenUse = tokenUse
        self.clockLeeway = clockLeeway
        self.maximumTokenBytes = maximumTokenBytes
        self.acceptsClient = acceptsClient
    }
}
