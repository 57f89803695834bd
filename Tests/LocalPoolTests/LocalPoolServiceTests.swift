import Foundation
import GatehouseCore
import LocalPool
import Logging
import Synchronization
import Testing

/// A local pool in a fresh temporary directory, with a hand-moved clock and cheap bcrypt.
final class TestClock: Sendable {
    let seconds = Mutex(1_800_000_000.0)
    var wallClock: WallClock { WallClock { self.seconds.withLock { $0 } } }
}

final class PoolFixture: Sendable {
    /// Where the pool keeps its state: in memory (most tests), or in a SQLite file in
    /// ``directory`` (tests of restarts and of the file).
    enum Backing {
        case memory, file
    }

    let directory: URL
    let service: LocalPoolService
    let clock = TestClock()

    /// A pool in memory, or in a file in a new directory, or in `directory` again (a restart).
    init(directory: URL? = nil, backing: Backing = .memory, hasher: PasswordHasher = PasswordHasher(cost: 4)) throws {
        self.directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-pool-\(UUID().uuidString)")
        let storage: PoolStorage = directory == nil && backing == .memory ? .memory() : .database(try PoolDatabase(directory: self.directory))
        service = LocalPoolService(
            storage: storage,
            baseURL: "http://127.0.0.1:9229",
            hasher: hasher,
            clock: clock.wallClock,
            logger: Logger(label: "test")
        )
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func advance(_ seconds: Double) { clock.seconds.withLock { $0 += seconds } }

    func client(_ pool: PoolRecord, secret: Bool = false, flows: [String]? = nil) async throws -> ClientRecord {
        var settings = ClientSettings.defaults
        settings.explicitAuthFlows = flows ?? ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        return try await service.pools.createClient(poolID: pool.id, name: "app", generateSecret: secret, settings: settings)
    }

    /// A public client of the code flow (PKCE) with `callback` registered.
    func codeClient(_ pool: PoolRecord, callback: String = "http://127.0.0.1:3000/", scopes: [String] = ["openid"]) async throws -> ClientRecord {
        var settings = ClientSettings.defaults
        settings.allowedOAuthFlows = ["code"]
        settings.allowedOAuthScopes = scopes
        settings.callbackURLs = [callback]
        return try await service.pools.createClient(poolID: pool.id, name: "spa", generateSecret: false, settings: settings)
    }

    func confirmedUser(_ pool: PoolRecord, _ name: String = "alice", password: String = "Passw0rd!") async throws {
        _ = try await service.users.createUser(
            poolID: pool.id,
            username: name,
            attributes: [
                .init(name: "email", value: "\(name)@example.com"), .init(name: "email_verified", value: "true"),
                .init(name: "nickname", value: "Al"),
            ],
            temporaryPassword: nil
        )
        try await service.users.setPassword(poolID: pool.id, username: name, password: password, permanent: true)
    }

    func signIn(
        _ client: ClientRecord,
        _ name: String = "alice",
        password: String = "Passw0rd!",
        secretHash: String? = nil
    )
        async throws -> (access: String, id: String, refresh: String)
    {
        let outcome = try await service.signIn.passwordAuth(client: client, username: name, password: password, secretHash: secretHash, flow: .user)
        guard case .tokens(let access, let id?, let refresh?, _, _) = outcome else {
            Issue.record("expected tokens, got \(outcome)")
            throw LocalPoolError("Test", "no tokens")
        }
        return (access, id, refresh)
    }

    /// A verifier for `pool`'s tokens using the pool's published JWKS, as any relying party would.
    func verifier(_ pool: PoolRecord, clients: Set<String>) async throws -> TokenVerifier {
        let jwks = try await service.pools.jwks(poolID: pool.id)
        let clock = self.clock.wallClock
        return TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: service.pools.issuerURL(poolID: pool.id), clientIDs: clients),
            keys: JWKSCache(fetcher: ClosureJWKSFetcher { _ in try JSONWebKeySet(json: jwks) }, clock: clock),
            clock: clock
        )
    }
}

struct LocalPoolServiceTests {
    let logger = Logger(label: "test")

    func expectError(_ type: String, message: String? = nil, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async
    {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
        if let message { #expect(error?.message == message, sourceLocation: sourceLocation) }
    }

    @Test func poolIDsAndKeysLookLikeCognitos() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        #expect(pool.id.wholeMatch(of: /us-east-1_[A-Za-z0-9]{9}/) != nil)
        let jwks = try await JSONWebKeySet(json: try fixture.service.pools.jwks(poolID: pool.id))
        #expect(jwks.keys.count == 2)
        let client = try await fixture.client(pool)
        #expect(client.id.wholeMatch(of: /[a-z0-9]{26}/) != nil)
    }

    @Test func issuedTokensVerifyAndCarryCognitoClaims() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let tokens = try await fixture.signIn(client)
        let verifier = try await fixture.verifier(pool, clients: [client.id])
        let id = try await verifier.verify(tokens.id, logger: logger)
        let access = try await verifier.verify(tokens.access, logger: logger)
        #expect(id.tokenUse == .id)
        #expect(id.claims["cognito:username"]?.stringValue == "alice")
        #expect(id.claims["email"]?.stringValue == "alice@example.com")
        #expect(id.claims["email_verified"] == .bool(true))
        #expect(id.claims["nickname"]?.stringValue == "Al")
        #expect(id.claims["aud"]?.stringValue == client.id)
        #expect(access.claims["client_id"]?.stringValue == client.id)
        #expect(access.claims["scope"]?.stringValue == "aws.cognito.signin.user.admin")
        #expect(access.claims["version"] == nil)
        #expect(access.claims["origin_jti"] == id.claims["origin_jti"])
        #expect(access.claims["event_id"] == id.claims["event_id"])
        #expect(access.claims["exp"]?.numberValue == 1_800_003_600)
        // ID and access tokens are signed with different keys.
        let idKid = try #require(JSONParser.parse(Base64URL.decode(tokens.id.split(separator: ".")[0])!).objectValue?["kid"])
        let accessKid = try #require(JSONParser.parse(Base64URL.decode(tokens.access.split(separator: ".")[0])!).objectValue?["kid"])
        #expect(idKid != accessKid)
    }

    @Test func wrongPasswordAndUnknownUserLookTheSame() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        await expectError("NotAuthorizedException", message: "Incorrect username or password.") {
            _ = try await fixture.signIn(client, password: "Wrong-pass1!")
        }
        await expectError("NotAuthorizedException", message: "Incorrect username or password.") {
            _ = try await fixture.signIn(client, "nobody")
        }
    }

    @Test func repeatedFailuresLockTheUserOutForAWhile() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        for _ in 0..<5 {
            await expectError("NotAuthorizedException", message: "Incorrect username or password.") {
                _ = try await fixture.signIn(client, password: "Wrong-pass1!")
            }
        }
        // Now even the right password is refused until the lockout passes.
        await expectError("NotAuthorizedException", message: "Password attempts exceeded") { _ = try await fixture.signIn(client) }
        fixture.advance(3)
        _ = try await fixture.signIn(client)
    }

    @Test func disabledUserCannotSignIn() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        try await fixture.service.users.setEnabled(poolID: pool.id, username: "alice", enabled: false)
        await expectError("NotAuthorizedException", message: "User is disabled.") { _ = try await fixture.signIn(client) }
    }

    @Test func flowsMustBeEnabledOnTheClient() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool, flows: ["ALLOW_REFRESH_TOKEN_AUTH"])
        try await fixture.confirmedUser(pool)
        await expectError("InvalidParameterException") { _ = try await fixture.signIn(client) }
    }

    @Test func newUsersMustChangeTheirPassword() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        _ = try await fixture.service.users.createUser(poolID: pool.id, username: "bob", attributes: [], temporaryPassword: "Temp0rary!")
        let outcome = try await fixture.service.signIn.passwordAuth(
            client: client,
            username: "bob",
            password: "Temp0rary!",
            secretHash: nil,
            flow: .user
        )
        guard case .newPasswordRequired(let session, _, _) = outcome else {
            Issue.record("expected NEW_PASSWORD_REQUIRED")
            return
        }
        await expectError("InvalidPasswordException") {
            _ = try await fixture.service.signIn.respondToNewPassword(
                client: client,
                session: session,
                username: "bob",
                newPassword: "short",
                attributes: [],
                secretHash: nil
            )
        }
        let done = try await fixture.service.signIn.respondToNewPassword(
            client: client,
            session: session,
            username: "bob",
            newPassword: "N3w-Password!",
            attributes: [.init(name: "nickname", value: "B")],
            secretHash: nil
        )
        guard case .tokens = done else {
            Issue.record("expected tokens")
            return
        }
        await #expect(try fixture.service.users.user(poolID: pool.id, username: "bob").status == .confirmed)
        await #expect(try fixture.service.users.user(poolID: pool.id, username: "bob").attribute("nickname") == "B")
        // The session is single-use.
        await expectError("NotAuthorizedException") {
            _ = try await fixture.service.signIn.respondToNewPassword(
                client: client,
                session: session,
                username: "bob",
                newPassword: "N3w-Password!",
                attributes: [],
                secretHash: nil
            )
        }
    }

    @Test func refreshTokensAreBoundToTheirClientAndRevocable() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        let other = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let tokens = try await fixture.signIn(client)
        fixture.advance(60)
        guard
            case .tokens(let access, _, let refresh, _, _) = try await fixture.service.tokens.refresh(
                client: client,
                refreshToken: tokens.refresh,
                caller: .initiateAuth(secretHash: nil)
            )
        else { return }
        #expect(refresh == nil)
        let verified = try await fixture.verifier(pool, clients: [client.id]).verify(access, logger: logger)
        #expect(verified.claims["iat"]?.numberValue == 1_800_000_060)
        await expectError("NotAuthorizedException") {
            _ = try await fixture.service.tokens.refresh(client: other, refreshToken: tokens.refresh, caller: .initiateAuth(secretHash: nil))
        }
        await expectError("UnauthorizedException") { try await fixture.service.tokens.revokeRefreshToken(tokens.refresh, client: other) }
        try await fixture.service.tokens.revokeRefreshToken(tokens.refresh, client: client)
        await expectError("NotAuthorizedException", message: "Refresh Token has been revoked") {
            _ = try await fixture.service.tokens.refresh(client: client, refreshToken: tokens.refresh, caller: .initiateAuth(secretHash: nil))
        }
        // Tokens issued from the revoked refresh token are refused by the pool too.
        await expectError("NotAuthorizedException", message: "Access Token has been revoked") {
            _ = try await fixture.service.tokens.validateAccessToken(access)
        }
        // Unknown tokens are ignored, as RFC 7009 says.
        try await fixture.service.tokens.revokeRefreshToken("not-a-token", client: client)
    }

    @Test func globalSignOutRevokesEverything() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let tokens = try await fixture.signIn(client)
        _ = try await fixture.service.tokens.validateAccessToken(tokens.access)
        try await fixture.service.users.globalSignOut(poolID: pool.id, username: "alice")
        await expectError("NotAuthorizedException", message: "Access Token has been revoked") {
            _ = try await fixture.service.tokens.validateAccessToken(tokens.access)
        }
        await expectError("NotAuthorizedException", message: "Refresh Token has been revoked") {
            _ = try await fixture.service.tokens.refresh(client: client, refreshToken: tokens.refresh, caller: .initiateAuth(secretHash: nil))
        }
        fixture.advance(2)
        let fresh = try await fixture.signIn(client)
        _ = try await fixture.service.tokens.validateAccessToken(fresh.access)
    }

    @Test func expiredAccessTokensAreRefused() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let tokens = try await fixture.signIn(client)
        fixture.advance(3600)
        await expectError("NotAuthorizedException", message: "Access Token has expired") {
            _ = try await fixture.service.tokens.validateAccessToken(tokens.access)
        }
    }

    @Test func secretHashIsRequiredForConfidentialClients() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool, secret: true)
        try await fixture.confirmedUser(pool)
        await expectError("NotAuthorizedException") { _ = try await fixture.signIn(client) }
        await expectError("NotAuthorizedException", message: "Unable to verify secret hash for client \(client.id)") {
            _ = try await fixture.signIn(client, secretHash: "AAAA")
        }
        let secret = try #require(client.secret)
        // SECRET_HASH computed independently with CryptoKit-compatible HMAC via the Core test vector path.
        let hash = HMACReference.secretHash(secret: secret, message: "alice" + client.id)
        _ = try await fixture.signIn(client, secretHash: hash)
    }

    @Test func usersAreValidatedAndUnique() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        try await fixture.confirmedUser(pool)
        await expectError("UsernameExistsException") {
            _ = try await fixture.service.users.createUser(poolID: pool.id, username: "alice", attributes: [], temporaryPassword: nil)
        }
        await expectError("InvalidParameterException") {
            _ = try await fixture.service.users.createUser(
                poolID: pool.id,
                username: "carol",
                attributes: [.init(name: "favourite_colour", value: "red")],
                temporaryPassword: nil
            )
        }
        await expectError("InvalidPasswordException") {
            _ = try await fixture.service.users.createUser(poolID: pool.id, username: "carol", attributes: [], temporaryPassword: "password")
        }
        await expectError("UserNotFoundException") { _ = try await fixture.service.users.user(poolID: pool.id, username: "nobody") }
        await expectError("ResourceNotFoundException") { _ = try await fixture.service.users.user(poolID: "us-east-1_Missing00", username: "alice") }
        // A failed create leaves nothing behind.
        await #expect(try fixture.service.users.listUsers(poolID: pool.id, filter: nil, limit: 60, after: nil).users.map(\.username) == ["alice"])
    }

    @Test func listUsersFilters() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        for name in ["alice", "albert", "bob"] { try await fixture.confirmedUser(pool, name) }
        try await fixture.service.users.setEnabled(poolID: pool.id, username: "bob", enabled: false)
        func names(_ filter: String?) async throws -> [String] {
            try await fixture.service.users.listUsers(poolID: pool.id, filter: filter, limit: 60, after: nil).users.map(\.username)
        }
        await #expect(try names(#"email = "bob@example.com""#) == ["bob"])
        await #expect(try names(#"username ^= "al""#) == ["albert", "alice"])
        await #expect(try names(#"status = "Disabled""#) == ["bob"])
        await #expect(try names(#"cognito:user_status = "confirmed""#).count == 3)
        await expectError("InvalidParameterException") { _ = try await names("email = bob") }
        await expectError("InvalidParameterException") { _ = try await names(#"custom:x = "1""#) }
        let page = try await fixture.service.users.listUsers(poolID: pool.id, filter: nil, limit: 2, after: nil)
        #expect(page.users.map(\.username) == ["albert", "alice"])
        await #expect(try fixture.service.users.listUsers(poolID: pool.id, filter: nil, limit: 2, after: page.next).users.map(\.username) == ["bob"])
    }

    @Test func stateSurvivesReopening() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pool = try await fixture.service.pools.createPool(name: "p")
        try await fixture.confirmedUser(pool)
        let reopened = LocalPoolService(
            database: try PoolDatabase(directory: fixture.directory),
            baseURL: "http://127.0.0.1:9229",
            hasher: PasswordHasher(cost: 4),
            logger: logger
        )
        await #expect(try reopened.users.user(poolID: pool.id, username: "alice").attribute("nickname") == "Al")
        await #expect(try reopened.pools.jwks(poolID: pool.id) == fixture.service.pools.jwks(poolID: pool.id))
    }
}
