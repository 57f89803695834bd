import Crypto
import Foundation
import GatehouseAWS
import GatehouseCore
import GatehouseHTTP
import GatehouseSessions
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import _CryptoExtras

/// A clock the test moves.
final class TestClock: Sendable {
    private let seconds = Mutex<Double>(1_900_000_000)
    var now: Double { seconds.withLock { $0 } }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
    var wallClock: WallClock { WallClock { self.now } }
}

/// The hosted login's token and revoke endpoints, behind our own transport seam: it signs real
/// RS256 tokens, checks PKCE and the client secret, counts refresh grants, and can be told to
/// refuse refresh tokens, fail, or hold grants until released.
final class FakeIdP: Sendable {
    static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Sessions1"
    static let domain = "https://login.example.com"
    static let clientID = "sessionclient1234567890abc"
    static let secret = "the-client-secret"
    static let redirect = "https://app.example.com/"
    static let origin = "https://app.example.com"
    /// Another origin the API's CORS policy allows (a second app of the same site).
    static let otherAllowedOrigin = "https://admin.example.com"
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    struct State {
        var codes: [String: (nonce: String, challenge: String)] = [:]
        var refreshGrants = 0
        var codeGrants = 0
        var revoked: [String] = []
        var refuseRefresh = false
        var unavailable = false
        var accessLifetime: Double = 300
        var refreshSerial = 0
        /// The `scope` claim of the access tokens granted.
        var accessScope = "openid email profile"
    }

    let state = Mutex(State())
    let clock: TestClock
    /// Refresh grants wait here while `holding` is set (to line up concurrent requests).
    let gate = Gate()

    init(clock: TestClock) {
        self.clock = clock
    }

    var refreshGrants: Int { state.withLock { $0.refreshGrants } }
    var codeGrants: Int { state.withLock { $0.codeGrants } }
    var revoked: [String] { state.withLock { $0.revoked } }

    /// The login a user finishing the hosted login would produce: a code bound to the
    /// authorization URL's nonce and challenge, and the page URL the browser lands on.
    func completeLogin(authorizationURL: String) -> String {
        let query = Dictionary(
            URLEncoding.query(authorizationURL.split(separator: "?", maxSplits: 1)[1])!,
            uniquingKeysWith: { first, _ in first }
        )
        let code = UUID().uuidString
        state.withLock { $0.codes[code] = (query["nonce"]!, query["code_challenge"]!) }
        return Self.redirect + "?code=\(code)&state=\(query["state"]!)"
    }

    var transport: ClosureAWSTransport {
        ClosureAWSTransport { request in try await self.handle(request) }
    }

    private func handle(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        if state.withLock({ $0.unavailable }) { throw CancellationError() }
        let expected = "Basic " + Data("\(Self.clientID):\(Self.secret)".utf8).base64EncodedString()
        guard request.headers.contains(where: { $0.name == "Authorization" && $0.value == expected }) else {
            return Self.json(401, #"{"error":"invalid_client"}"#)
        }
        let form = Dictionary(URLEncoding.query(Substring(String(decoding: request.body, as: UTF8.self)))!, uniquingKeysWith: { a, _ in a })
        switch (request.url, form["grant_type"]) {
        case (Self.domain + "/oauth2/token", "authorization_code"):
            state.withLock { $0.codeGrants += 1 }
            guard let code = form["code"], let login = state.withLock({ $0.codes.removeValue(forKey: code) }),
                Base64URL.encode(SHA256.hash(data: Array(form["code_verifier"]!.utf8))) == login.challenge,
                form["redirect_uri"] == Self.redirect
            else { return Self.json(400, #"{"error":"invalid_grant"}"#) }
            return tokens(nonce: login.nonce, refresh: "refresh-\(UUID().uuidString)")
        case (Self.domain + "/oauth2/token", "refresh_token"):
            await gate.pass()
            let (refused, revoked) = state.withLock { state -> (Bool, Bool) in
                state.refreshGrants += 1
                return (state.refuseRefresh, state.revoked.contains(form["refresh_token"] ?? ""))
            }
            if refused || revoked { return Self.json(400, #"{"error":"invalid_grant"}"#) }
            return tokens(nonce: nil, refresh: nil)
        case (Self.domain + "/oauth2/revoke", _):
            state.withLock { $0.revoked.append(form["token"] ?? "") }
            return Self.json(200, "{}")
        default:
            return Self.json(400, #"{"error":"unsupported_grant_type"}"#)
        }
    }

    private func tokens(nonce: String?, refresh: String?) -> AWSHTTPResponse {
        let now = clock.now
        let (lifetime, serial, scope) = state.withLock { state -> (Double, Int, String) in
            state.refreshSerial += 1
            return (state.accessLifetime, state.refreshSerial, state.accessScope)
        }
        let exp = Int(now + lifetime)
        let nonceClaim = nonce.map { #","nonce":"\#($0)""# } ?? ""
        let id = Self.sign(
            #"{"sub":"sub-1","iss":"\#(Self.issuer)","aud":"\#(Self.clientID)","token_use":"id","exp":\#(exp),"iat":\#(Int(now)),"cognito:username":"alice"\#(nonceClaim)}"#
        )
        let access = Self.sign(
            #"{"sub":"sub-1","iss":"\#(Self.issuer)","client_id":"\#(Self.clientID)","token_use":"access","exp":\#(exp),"iat":\#(Int(now)),"username":"alice","jti":"a\#(serial)","scope":"\#(scope)"}"#
        )
        var body = #"{"id_token":"\#(id)","access_token":"\#(access)","expires_in":\#(Int(lifetime)),"token_type":"Bearer""#
        if let refresh { body += #","refresh_token":"\#(refresh)""# }
        return Self.json(200, body + "}")
    }

    static func sign(_ claims: String) -> String {
        let input = Base64URL.encode(Array(#"{"kid":"k1","alg":"RS256"}"#.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature = try! key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    static func json(_ status: Int, _ body: String) -> AWSHTTPResponse {
        AWSHTTPResponse(status: status, headers: [(name: "Content-Type", value: "application/json")], body: Array(body.utf8))
    }

    /// The JWKS document of the signing key.
    static var jwks: [UInt8] {
        let primitives = try! key.publicKey.getKeyPrimitives()
        return Array(
            #"{"keys":[{"kid":"k1","kty":"RSA","alg":"RS256","use":"sig","e":"\#(Base64URL.encode(primitives.publicExponent))","n":"\#(Base64URL.encode(primitives.modulus))"}]}"#
                .utf8
        )
    }

    static var keys: JWKSCache {
        JWKSCache(fetcher: ClosureJWKSFetcher { _ in try JSONWebKeySet(json: jwks) })
    }
}

/// The IdP's view of access tokens, behind our own seam: tokens signed out are refused, and it
/// can be made unreachable; it counts the questions.
final class FakeAuthority: AccessTokenAuthority, UserSignOut {
    struct State {
        var signedOut: Set<String> = []
        var unavailable = false
        var asked = 0
        /// How each sign-out everywhere came: `token` (GlobalSignOut) or `admin:NAME`.
        var signOuts: [String] = []
        /// The admin call is refused (no IAM permission).
        var adminRefused = false
    }

    let state = Mutex(State())

    var asked: Int { state.withLock { $0.asked } }

    func isLive(accessToken: String, logger: Logger) async throws(DirectoryError) -> Bool {
        try state.withLock { state throws(DirectoryError) -> Bool in
            state.asked += 1
            if state.unavailable { throw DirectoryError(.unavailable, retryAfter: 2) }
            return !state.signedOut.contains(Self.subject(of: accessToken))
        }
    }

    func globalSignOut(accessToken: String, logger: Logger) async throws(DirectoryError) {
        try state.withLock { state throws(DirectoryError) in
            if state.unavailable { throw DirectoryError(.unavailable, retryAfter: 2) }
            state.signedOut.insert(Self.subject(of: accessToken))
            state.signOuts.append("token")
        }
    }

    /// AdminUserGlobalSignOut: the fake IdP's one user `alice` is `sub-1`.
    func signOutEverywhere(username: String, logger: Logger) async throws(DirectoryError) {
        try state.withLock { state throws(DirectoryError) in
            if state.unavailable { throw DirectoryError(.unavailable, retryAfter: 2) }
            if state.adminRefused { throw DirectoryError(.misconfigured, detail: "AccessDeniedException") }
            if username == "alice" { state.signedOut.insert("sub-1") }
            state.signOuts.append("admin:\(username)")
        }
    }

    /// The token's `sub` (GlobalSignOut ends every token of the user).
    static func subject(of token: String) -> String {
        let payload = token.split(separator: ".")[1]
        let claims = try? JSONParser.parse(Base64URL.decode(String(payload)) ?? [])
        return claims?.objectValue?["sub"]?.stringValue ?? ""
    }
}

/// Holds callers until opened (no sleeps: the test opens it when its requests are all waiting).
final class Gate: Sendable {
    private let state = Mutex<(closed: Bool, waiting: [CheckedContinuation<Void, Never>], arrived: Int)>((false, [], 0))

    func close() { state.withLock { $0.closed = true } }

    /// How many callers have arrived while closed.
    var arrived: Int { state.withLock { $0.arrived } }

    func open() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = false
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func pass() async {
        await withCheckedContinuation { continuation in
            let wait = state.withLock { state -> Bool in
                guard state.closed else { return false }
                state.arrived += 1
                state.waiting.append(continuation)
                return true
            }
            if !wait { continuation.resume() }
        }
    }
}

/// The API with cookie sessions against a ``FakeIdP``, and the calls a browser makes.
struct SessionHarness {
    let clock = TestClock()
    let idp: FakeIdP
    let store: any SessionStore
    let keys: SessionKeys
    let settings: SessionSettings

    init(
        store: any SessionStore = MemorySessionStore(),
        keys: String = SessionKeys.generateKeyText(),
        idleTimeout: Double = 3600,
        maxAge: Double = 86400,
        scopes: [String] = ["openid", "email", "profile"]
    ) {
        idp = FakeIdP(clock: clock)
        self.store = store
        self.keys = try! SessionKeys(parsing: keys)
        settings = SessionSettings(
            endpoints: OAuthEndpoints(domain: FakeIdP.domain),
            clientID: FakeIdP.clientID,
            clientSecret: FakeIdP.secret,
            redirectURI: FakeIdP.redirect,
            logoutURI: FakeIdP.origin + "/bye",
            scopes: scopes,
            idleTimeout: idleTimeout,
            maxAge: maxAge
        )
    }

    /// The API on this harness's IdP and clock, with other keys when given (a restart after rotation).
    func application(
        keys other: SessionKeys? = nil,
        users: [String: Bool] = ["alice": true],
        authority: FakeAuthority? = nil,
        adminSignOut: Bool = true,
        revocationTTL: Double? = nil
    ) -> some ApplicationProtocol {
        Application(
            router: router(keys: other, users: users, authority: authority, adminSignOut: adminSignOut, revocationTTL: revocationTTL),
            logger: Logger(label: "test")
        )
    }

    /// The API's router on this harness's IdP and clock.
    /// With `authority`, users can sign out everywhere (with the server's authority unless
    /// `adminSignOut` is false); with `revocationTTL` too, bearer tokens and sessions are checked
    /// live with it, answers kept that long.
    func router(
        keys other: SessionKeys? = nil,
        users: [String: Bool] = ["alice": true],
        authority: FakeAuthority? = nil,
        adminSignOut: Bool = true,
        revocationTTL: Double? = nil
    ) -> Router<GatehouseRequestContext> {
        let jwks = FakeIdP.keys
        let revocation = revocationTTL.flatMap { ttl in authority.map { RevocationCheck(authority: $0, timeToLive: ttl, clock: clock.wallClock) } }
        let sessions = SessionService(
            settings: settings,
            store: store,
            keys: other ?? keys,
            oauth: OAuthClient(
                endpoints: settings.endpoints,
                clientID: FakeIdP.clientID,
                clientSecret: FakeIdP.secret,
                transport: idp.transport,
                retryPolicy: RetryPolicy(maximumAttempts: 2, baseDelay: 0.001)
            ),
            idTokens: TokenVerifier(
                configuration: TokenVerifierConfiguration(issuer: FakeIdP.issuer, clientIDs: [FakeIdP.clientID], tokenUse: .id),
                keys: jwks,
                clock: clock.wallClock
            ),
            authority: authority,
            signOut: adminSignOut ? authority : nil,
            revocation: revocation,
            clock: clock.wallClock
        )
        let verifier = TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: FakeIdP.issuer, clientIDs: [FakeIdP.clientID]),
            keys: jwks,
            clock: clock.wallClock
        )
        let directory = ClosureUserDirectory { name throws(DirectoryError) in
            guard let enabled = users[name] else { throw DirectoryError(.userNotFound) }
            return DirectoryUser(
                username: name,
                attributes: [(name: "sub", value: "sub-1"), (name: "email", value: "\(name)@example.com")],
                enabled: enabled,
                status: "CONFIRMED"
            )
        }
        let dependencies = GatehouseDependencies(
            userInfo: UserInfoService(
                verifier: verifier,
                directory: directory,
                revocation: revocation
            ),
            keys: jwks,
            cors: CORSPolicy(allowedOrigins: [FakeIdP.origin, FakeIdP.otherAllowedOrigin]),
            sessions: sessions
        )
        return buildRouter(dependencies)
    }
}

/// A browser's side of the cookie: what it holds, sends and is told to set.
struct Browser {
    var cookies: [String: String] = [:]
    var setCookies: [String: String] = [:]
    /// What the page keeps in `sessionStorage`: the login id of its last `/auth/login/start`,
    /// sent with `/auth/login/end` (as `gatehouse-cookie.js` does) unless the body has its own.
    var loginID: String?

    mutating func send(
        _ client: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        body: String? = nil,
        csrf: Bool = true,
        origin: String? = FakeIdP.origin
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if csrf { headers[HTTPField.Name("X-CSRF")!] = "1" }
        if let origin { headers[.origin] = origin }
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/json" }
        var body = body
        if path == "/auth/login/end", let loginID, let sent = body, sent.hasSuffix("}"), !sent.contains(#""loginId""#) {
            body = String(sent.dropLast()) + #","loginId":"\#(loginID)"}"#
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        if path == "/auth/login/start", let id = Self.json(response)["loginId"] as? String { loginID = id }
        for line in response.headers[values: .setCookie] {
            let pair = line.prefix { $0 != ";" }
            let name = String(pair.prefix { $0 != "=" })
            let value = String(pair.drop { $0 != "=" }.dropFirst())
            setCookies[name] = line
            if line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    /// start → the hosted login (the fake's) → end; returns the end's response.
    mutating func login(_ client: some TestClientProtocol, idp: FakeIdP) async throws -> TestResponse {
        let start = try await send(client, .post, "/auth/login/start")
        let url = Self.json(start)["authorizationUrl"] as! String
        let page = idp.completeLogin(authorizationURL: url)
        return try await send(client, .post, "/auth/login/end", body: #"{"pageUrl":"\#(page)"}"#)
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }
}
