import CoreMetrics
public import GatehouseCore
public import Logging

/// A live session with its tokens opened.
public struct ActiveSession: Sendable {
    /// The stored record.
    public let record: SessionRecord
    /// Its tokens.
    public let tokens: SessionTokens
}

/// The token handler: runs the code flow as the confidential client, keeps the tokens in the
/// ``SessionStore`` sealed under ``SessionKeys``, and gives the browser only an opaque id.
public struct SessionService: Sendable {
    /// The session cookie's name.
    public static let sessionCookie = "__Host-gatehouse"
    /// The login cookie's name.
    public static let loginCookie = "__Host-gatehouse-login"
    static let tokensPurpose = "gatehouse-session-v1"

    /// The settings.
    public let settings: SessionSettings
    /// The store.
    public let store: any SessionStore
    let keys: SessionKeys
    let oauth: OAuthClient
    let idTokens: TokenVerifier
    let authority: (any AccessTokenAuthority)?
    let signOut: (any UserSignOut)?
    let revocation: RevocationCheck?
    let clock: WallClock
    let flights = RefreshFlights()
    let usedStates = UsedLoginStates()
    let metrics: GatehouseMetrics
    private let opened = OpenedTokens()

    /// The service; `idTokens` verifies ID tokens (issuer, this client as `aud`, `token_use` id).
    /// Sign-out everywhere goes through `signOut` (the server's own authority), or through
    /// `authority` with the session's token when the scopes asked for include the admin scope.
    /// With `revocation` (`GATEHOUSE_REVOCATION_CHECK=on`) a session signed out at the IdP ends
    /// at its next request once the check's answer has aged past its time to live.
    public init(
        settings: SessionSettings,
        store: any SessionStore,
        keys: SessionKeys,
        oauth: OAuthClient,
        idTokens: TokenVerifier,
        authority: (any AccessTokenAuthority)? = nil,
        signOut: (any UserSignOut)? = nil,
        revocation: RevocationCheck? = nil,
        clock: WallClock = .system,
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        self.metrics = metrics
        self.settings = settings
        self.store = store
        self.keys = keys
        self.oauth = oauth
        self.idTokens = idTokens
        self.authority = authority
        self.signOut = signOut
        self.revocation = revocation
        self.clock = clock
    }

    // MARK: using a session

    /// The session of `cookie` as stored, without refreshing or touching it (nil when there is none).
    public func peek(cookie: String) async throws(GatehouseError) -> SessionRecord? {
        guard Self.isWellFormed(cookie) else { return nil }
        do {
            return try await store.read(id: SessionRecord.id(forCookie: cookie), now: clock.now())
        } catch {
            throw Self.error(error)
        }
    }

    /// The live session of `cookie`, its access token refreshed first when it is about to
    /// expire (one refresh grant however many requests ask at once), its idle deadline moved on.
    ///
    /// - Throws: 401 `session_expired` when there is no such session or it ended; 503 when the
    ///   IdP or the store cannot be reached and the access token has expired.
    public func active(cookie: String, logger: Logger) async throws(GatehouseError) -> ActiveSession {
        let now = clock.now()
        var session = try await load(cookie: cookie, now: now)
        if refreshIsDue(session.tokens, now: now) {
            do {
                session = try await refreshed(session.record.id, logger: logger)
            } catch let error where error.code == .serviceUnavailable && now < session.tokens.accessExpiresAt {
                // The IdP is down but the token still works: use it, refresh on a later request.
                logger.warning("gatehouse.session.refresh_deferred", metadata: ["gatehouse.error": "\(error)"])
            }
        }
        if let revocation { session = try await checkedLive(session, revocation: revocation, now: now, logger: logger) }
        return await touched(session, now: now, logger: logger)
    }

    /// The revocation check of a session: a sign-out done at the IdP (by another app, an admin,
    /// the user's own GlobalSignOut) ends it. A token with the admin scope is asked about
    /// (`GetUser`, answers kept as for bearer tokens); any other is checked by its refresh: once
    /// the tokens are older than the check's time to live they are refreshed, and a refresh token
    /// the IdP refuses ends the session. An IdP that cannot answer is 503: the check fails closed.
    func checkedLive(_ session: ActiveSession, revocation: RevocationCheck, now: Double, logger: Logger) async throws(GatehouseError) -> ActiveSession
    {
        let token = session.tokens.accessToken
        let scope = (try? CompactJWS(token)).flatMap { try? JSONParser.parse($0.payload).objectValue?["scope"]?.stringValue }
        if RevocationCheck.canCheck(scope: scope) {
            guard try await revocation.isLive(token, expiresAt: session.tokens.accessExpiresAt, logger: logger) else {
                try? await store.delete(id: session.record.id)
                metrics.sessionsEnded.counter(["revoked"]).increment()
                throw GatehouseError(.sessionExpired, logDetail: "the IdP refused the session's access token (signed out there)")
            }
            return session
        }
        guard now - session.tokens.accessIssuedAt >= revocation.timeToLive else { return session }
        return try await refreshed(session.record.id, force: true, logger: logger)
    }

    /// Refreshes the session of `cookie` now (one grant however many ask at once).
    public func refresh(cookie: String, logger: Logger) async throws(GatehouseError) -> ActiveSession {
        let session = try await load(cookie: cookie, now: clock.now())
        return try await refreshed(session.record.id, force: true, logger: logger)
    }

    // MARK: internals

    private func load(cookie: String, now: Double) async throws(GatehouseError) -> ActiveSession {
        guard Self.isWellFormed(cookie) else { throw GatehouseError(.sessionExpired, logDetail: "malformed session cookie") }
        let record: SessionRecord?
        do {
            record = try await store.read(id: SessionRecord.id(forCookie: cookie), now: now)
        } catch {
            throw Self.error(error)
        }
        guard let record else { throw GatehouseError(.sessionExpired, logDetail: "no such session, or it expired") }
        guard let tokens = open(record) else {
            try? await store.delete(id: record.id)
            throw GatehouseError(.sessionExpired, logDetail: "session record does not open with the session keys")
        }
        return ActiveSession(record: record, tokens: tokens)
    }

    /// The record's tokens, unsealed (or from the cache of records already opened at this version).
    func open(_ record: SessionRecord) -> SessionTokens? {
        if let tokens = opened.lookup(record) { return tokens }
        guard let tokens = keys.open(record.sealedTokens, purpose: Self.tokensPurpose).flatMap(SessionTokens.init(decoding:)) else {
            return nil
        }
        opened.store(tokens, for: record)
        return tokens
    }

    /// Due a fifth of the token's lifetime before it expires, at most a minute before.
    func refreshIsDue(_ tokens: SessionTokens, now: Double) -> Bool {
        let margin = min(60, max(0, tokens.accessExpiresAt - tokens.accessIssuedAt) / 5)
        return now >= tokens.accessExpiresAt - margin
    }

    /// A cookie value we could have made: 43 base64url characters.
    static func isWellFormed(_ cookie: String) -> Bool {
        cookie.utf8.count == 43 && Base64URL.decode(cookie)?.count == 32
    }

    static func error(_ error: OAuthClientError, context: String) -> GatehouseError {
        switch error {
        case .refused(let code): GatehouseError(.loginFailed, logDetail: "\(context) refused: \(code)")
        case .unavailable(let detail):
            GatehouseError(
                .serviceUnavailable,
                message: "The sign-in service is unavailable. Try again shortly.",
                retryAfter: 5,
                logDetail: "\(context): \(detail)"
            )
        }
    }

    static func error(_ error: SessionStoreError) -> GatehouseError {
        GatehouseError(.serviceUnavailable, message: "Sessions are unavailable. Try again shortly.", retryAfter: 1, logDetail: error.description)
    }
}
