import CoreMetrics
public import GatehouseCore
public import Logging

/// Signing in: a login starts at the API and ends when the page hands back the hosted login's
/// answer, which becomes a session.
extension SessionService {
    /// What `/auth/login/start` hands out: where to send the browser, the sealed login cookie,
    /// and the login id the starting page keeps (in `sessionStorage`) for `/auth/login/end`.
    public struct LoginStart: Sendable {
        /// The hosted login URL.
        public let authorizationURL: String
        /// The login cookie's value.
        public let loginCookie: String
        /// The id the page must send back to end the login.
        public let loginID: String
    }

    /// A new login started by a request from `origin` (its `Origin` header, when it sent one).
    public func startLogin(origin: String?) -> LoginStart {
        let login = LoginTransaction.begin(now: clock.now(), origin: origin)
        let query = URLEncoding.form([
            ("response_type", "code"),
            ("client_id", settings.clientID),
            ("redirect_uri", settings.redirectURI),
            ("scope", settings.scopes.joined(separator: " ")),
            ("state", login.state),
            ("nonce", login.nonce),
            ("code_challenge", login.challenge),
            ("code_challenge_method", "S256"),
        ])
        return LoginStart(authorizationURL: settings.endpoints.authorize + "?" + query, loginCookie: login.sealed(with: keys), loginID: login.loginID)
    }

    /// Ends a login: `pageURL` is where the hosted login sent the browser, `loginID` what the
    /// starting page kept, `origin` the request's `Origin`, `loginCookie` the login cookie it came
    /// back with. Returns the new session and its cookie value.
    public func endLogin(
        pageURL: String,
        loginID: String?,
        origin: String?,
        loginCookie: String?,
        logger: Logger
    ) async throws(GatehouseError) -> (cookie: String, session: ActiveSession) {
        let now = clock.now()
        let (code, login) = try loginAnswer(pageURL: pageURL, loginID: loginID, origin: origin, loginCookie: loginCookie, now: now)
        let granted: GrantedTokens
        do {
            granted = try await oauth.exchange(code: code, verifier: login.verifier, redirectURI: settings.redirectURI, logger: logger)
        } catch {
            throw Self.error(error, context: "code exchange")
        }
        guard let idToken = granted.idToken, let refreshToken = granted.refreshToken else {
            throw GatehouseError(.loginFailed, logDetail: "the token endpoint sent no id_token or refresh_token (scopes need openid)")
        }
        let identity: VerifiedToken
        do {
            identity = try await idTokens.verify(idToken, logger: logger)
        } catch {
            throw GatehouseError(.loginFailed, logDetail: "ID token refused: \(error)")
        }
        guard let nonce = identity.claims["nonce"]?.stringValue, ConstantTime.equals(nonce, login.nonce) else {
            throw GatehouseError(.loginFailed, logDetail: "ID token nonce does not match the login")
        }
        let tokens = SessionTokens(
            idToken: idToken,
            accessToken: granted.accessToken,
            refreshToken: refreshToken,
            accessExpiresAt: now + granted.expiresIn,
            accessIssuedAt: now
        )
        // A new id at every login: no fixation.
        let cookie = randomToken()
        let record = SessionRecord(
            id: SessionRecord.id(forCookie: cookie),
            subject: identity.subject,
            username: identity.username,
            sealedTokens: keys.seal(tokens.encoded(), purpose: Self.tokensPurpose),
            accessExpiresAt: tokens.accessExpiresAt,
            createdAt: now,
            idleExpiresAt: now + settings.idleTimeout,
            absoluteExpiresAt: now + settings.maxAge
        )
        do {
            try await store.create(record)
        } catch {
            throw Self.error(error)
        }
        metrics.sessionsCreated.increment()
        logger.info("gatehouse.session.created", metadata: ["gatehouse.session.sub": "\(identity.subject)"])
        return (cookie, ActiveSession(record: record, tokens: tokens))
    }

    /// The code in the hosted login's answer `pageURL`, once everything a browser sent checks
    /// out against the login cookie: the page is the redirect URI with a query (parsed, never
    /// sliced by hand: the query ends at the first `#`, and a `?` after it is the fragment's),
    /// the login opens, is this page's (`loginID`, `origin`), its `state` matches, and it was not
    /// ended before. Synchronous, and `package` so the fuzz target runs it at full speed.
    package func loginAnswer(
        pageURL: String,
        loginID: String?,
        origin: String?,
        loginCookie: String?,
        now: Double
    ) throws(GatehouseError) -> (code: String, login: LoginTransaction) {
        let page = URLReference(pageURL)
        guard pageURL.utf8.count <= 8192, page.isSamePage(as: URLReference(settings.redirectURI)), let rawQuery = page.query,
            !rawQuery.isEmpty
        else {
            throw GatehouseError(.invalidRequest, message: "pageUrl must be the redirect URI with the hosted login's answer.")
        }
        guard let pairs = URLEncoding.query(Substring(rawQuery)) else {
            throw GatehouseError(.invalidRequest, message: "pageUrl has a malformed query.")
        }
        let query = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        if let error = query["error"] {
            let code = String(error.prefix(64).filter { $0.isASCII && ($0.isLetter || $0 == "_") })
            throw GatehouseError(.loginFailed, message: "The hosted login answered \(code).", logDetail: "idp error \(code)")
        }
        guard let loginCookie, let login = LoginTransaction.opened(loginCookie, with: keys), login.expiresAt > now else {
            throw GatehouseError(.invalidState, logDetail: "no login cookie, or it does not open, or it expired")
        }
        guard let loginID, ConstantTime.equals(loginID, login.loginID) else {
            throw GatehouseError(.invalidState, logDetail: "loginId missing or not the one of the login cookie (started by another page?)")
        }
        if let started = login.origin, let origin, origin != started {
            throw GatehouseError(.invalidState, logDetail: "the login ends from another origin than it started from")
        }
        guard let state = query["state"], ConstantTime.equals(state, login.state) else {
            throw GatehouseError(.invalidState, logDetail: "state does not match the login cookie")
        }
        guard let code = query["code"], !code.isEmpty, code.utf8.count <= 2048 else {
            throw GatehouseError(.invalidRequest, message: "pageUrl has no code.")
        }
        guard usedStates.consume(login.state, expiresAt: login.expiresAt, now: now) else {
            throw GatehouseError(.invalidState, logDetail: "login already ended (replayed)")
        }
        return (code, login)
    }
}
