import Crypto
import Foundation
import GRDB
import GatehouseCore
import Logging
import Testing

@testable import LocalPool

/// The client's half of Cognito's SRP, for driving the pool in tests. Its arithmetic is the
/// pool's own (checked against the independent vector in SRPTests); what these tests check is
/// the flow around it.
struct SRPTestClient {
    let poolID: String
    let password: String
    /// The client's secret a, and A = g^a.
    let secret: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    var clientPublic: String { CognitoSRP.hex(field.bytes(field.power(CognitoSRP.generator, exponent: secret))) }
    private var field: MontgomeryModulus { CognitoSRP.field }

    /// The PASSWORD_VERIFIER answer to `parameters`, signed at `timestamp`.
    func answer(_ parameters: [String: String], timestamp: String = "Mon Nov 30 10:05:01 UTC 2026", password: String? = nil) -> [String: String] {
        let userID = parameters["USER_ID_FOR_SRP"]!
        let salt = CognitoSRP.bytes(hex: parameters["SALT"]!)!
        let serverPublic = CognitoSRP.bytes(hex: parameters["SRP_B"]!)!
        let poolName = CognitoSRP.poolName(poolID)
        let inner = SHA256.hash(data: Array((poolName + userID + ":" + (password ?? self.password)).utf8))
        let x = Array(SHA256.hash(data: CognitoSRP.padded(salt) + Array(inner)))
        let a = field.power(CognitoSRP.generator, exponent: secret)
        let u = Array(SHA256.hash(data: CognitoSRP.padded(field.bytes(a)) + CognitoSRP.padded(serverPublic)))
        // base = B - k·g^x; -t is t·(N - 1). S = base^(a + u·x) = base^a · (base^u)^x.
        var primeMinusOne = CognitoSRP.primeBytes
        primeMinusOne[primeMinusOne.count - 1] -= 1
        let kgx = field.multiply(CognitoSRP.multiplier, field.power(CognitoSRP.generator, exponent: x))
        let base = field.add(field.number(bigEndian: serverPublic)!, field.multiply(kgx, field.number(bigEndian: primeMinusOne)!))
        let shared = field.multiply(field.power(base, exponent: secret), field.power(field.power(base, exponent: u), exponent: x))
        let prk = HMAC<SHA256>.authenticationCode(for: CognitoSRP.padded(field.bytes(shared)), using: SymmetricKey(data: CognitoSRP.padded(u)))
        let key = Array(Data(HMAC<SHA256>.authenticationCode(for: CognitoSRP.keyInfo, using: SymmetricKey(data: Data(prk)))).prefix(16))
        let block = parameters["SECRET_BLOCK"]!
        let signature = CognitoSRP.signature(
            key: key,
            poolName: poolName,
            userID: userID,
            secretBlock: Array(Data(base64Encoded: block)!),
            timestamp: timestamp
        )
        return [
            "USERNAME": parameters["USERNAME"]!, "TIMESTAMP": timestamp, "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": Data(signature).base64EncodedString(),
        ]
    }
}

struct SRPSignInTests {
    static let srpFlows = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

    func setUp(secret: Bool = false) async throws -> (PoolFixture, PoolRecord, ClientRecord) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool, secret: secret, flows: Self.srpFlows)
        try await fixture.confirmedUser(pool)
        return (fixture, pool, client)
    }

    /// Starts SRP for `username`: the challenge's session and parameters.
    func challenge(
        _ fixture: PoolFixture,
        _ client: ClientRecord,
        _ srp: SRPTestClient,
        username: String = "alice"
    ) async throws -> (session: String?, parameters: [String: String]) {
        let outcome = try await fixture.service.srp.srpAuth(client: client, username: username, clientPublic: srp.clientPublic, secretHash: nil)
        guard case .challenge(.passwordVerifier, let session, let parameters) = outcome else {
            Issue.record("expected PASSWORD_VERIFIER, got \(outcome)")
            throw LocalPoolError("Test", "no challenge")
        }
        return (session, parameters)
    }

    func expectRefusal(_ message: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.message == message, sourceLocation: sourceLocation)
    }

    @Test func signsInWithOrWithoutTheSessionAndTheTokensVerify() async throws {
        let (fixture, pool, client) = try await setUp()
        let srp = SRPTestClient(poolID: pool.id, password: "Passw0rd!")
        for sendSession in [false, true] {
            let (session, parameters) = try await challenge(fixture, client, srp)
            #expect(parameters["USER_ID_FOR_SRP"] == "alice")
            #expect(parameters["SALT"].map { !$0.hasPrefix("00") } == true)
            let outcome = try await fixture.service.customSignIn.respondToPasswordVerifier(
                client: client,
                responses: srp.answer(parameters),
                session: sendSession ? session : nil
            )
            guard case .tokens(let access, _, _, _, _) = outcome else {
                Issue.record("expected tokens, got \(outcome)")
                return
            }
            let verified = try await fixture.verifier(pool, clients: [client.id]).verify(access, logger: Logger(label: "test"))
            #expect(verified.claims["username"]?.stringValue == "alice")
        }
    }

    @Test func eachChallengeAnswersOnceAndExpires() async throws {
        let (fixture, pool, client) = try await setUp()
        let srp = SRPTestClient(poolID: pool.id, password: "Passw0rd!")
        let (_, parameters) = try await challenge(fixture, client, srp)
        let answer = srp.answer(parameters)
        _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: answer, session: nil)
        await expectRefusal("Invalid session for the user, session is expired.") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: answer, session: nil)
        }
        // A challenge answered after its five minutes is refused; one answered just before is not.
        let (_, late) = try await challenge(fixture, client, srp)
        let (_, inTime) = try await challenge(fixture, client, srp)
        fixture.advance(SRPChallenges.lifetime - 1)
        _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: srp.answer(inTime), session: nil)
        fixture.advance(1)
        await expectRefusal("Invalid session for the user, session is expired.") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: srp.answer(late), session: nil)
        }
    }

    @Test func aForeignSessionOrUsernameOrClientIsRefused() async throws {
        let (fixture, pool, client) = try await setUp()
        let other = try await fixture.client(pool, flows: Self.srpFlows)
        let srp = SRPTestClient(poolID: pool.id, password: "Passw0rd!")
        var (_, parameters) = try await challenge(fixture, client, srp)
        await expectRefusal("Invalid session for the user.") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(
                client: client,
                responses: srp.answer(parameters),
                session: "not-the-session"
            )
        }
        // Another user's name; the user's own sub is fine (Cognito takes either).
        try await fixture.confirmedUser(pool, "bob")
        (_, parameters) = try await challenge(fixture, client, srp)
        var answer = srp.answer(parameters)
        answer["USERNAME"] = try await fixture.service.users.user(poolID: pool.id, username: "alice").sub
        _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: answer, session: nil)
        (_, parameters) = try await challenge(fixture, client, srp)
        answer = srp.answer(parameters)
        answer["USERNAME"] = "bob"
        await expectRefusal("Invalid session for the user.") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: answer, session: nil)
        }
        (_, parameters) = try await challenge(fixture, client, srp)
        await expectRefusal("Invalid session for the user, session is expired.") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: other, responses: srp.answer(parameters), session: nil)
        }
    }

    @Test func wrongProofsCountTowardsTheLockoutLikeWrongPasswords() async throws {
        let (fixture, pool, client) = try await setUp()
        let srp = SRPTestClient(poolID: pool.id, password: "Passw0rd!")
        for _ in 0..<5 {
            let (_, parameters) = try await challenge(fixture, client, srp)
            await expectRefusal("Incorrect username or password.") {
                _ = try await fixture.service.customSignIn.respondToPasswordVerifier(
                    client: client,
                    responses: srp.answer(parameters, password: "Wrong-pass1!"),
                    session: nil
                )
            }
        }
        await #expect(try fixture.service.users.user(poolID: pool.id, username: "alice").failedAttempts == 5)
        // Locked: the right password is refused too, by either flow.
        await expectRefusal("Password attempts exceeded") { _ = try await fixture.signIn(client) }
        let (_, parameters) = try await challenge(fixture, client, srp)
        await expectRefusal("Password attempts exceeded") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: srp.answer(parameters), session: nil)
        }
    }

    @Test func aBadTimestampOrSignatureIsRefused() async throws {
        let (fixture, pool, client) = try await setUp()
        let srp = SRPTestClient(poolID: pool.id, password: "Passw0rd!")
        var (_, parameters) = try await challenge(fixture, client, srp)
        let error = await #expect(throws: LocalPoolError.self) {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(
                client: client,
                responses: srp.answer(parameters, timestamp: "Mon Nov 30 10:05:01 2026"),
                session: nil
            )
        }
        #expect(error?.type == "InvalidParameterException")
        (_, parameters) = try await challenge(fixture, client, srp)
        var answer = srp.answer(parameters)
        answer["TIMESTAMP"] = "Mon Nov 30 10:05:02 UTC 2026"
        await expectRefusal("Incorrect username or password.") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: answer, session: nil)
        }
    }

    @Test func unknownUsersGetAStableChallengeThatNoProofPasses() async throws {
        let (fixture, pool, client) = try await setUp()
        let srp = SRPTestClient(poolID: pool.id, password: "Passw0rd!")
        let (_, first) = try await challenge(fixture, client, srp, username: "nobody")
        let (_, second) = try await challenge(fixture, client, srp, username: "nobody")
        #expect(first["SALT"] == second["SALT"])
        #expect(first["SRP_B"] != second["SRP_B"])
        await expectRefusal("Incorrect username or password.") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: srp.answer(first), session: nil)
        }
        // Without PreventUserExistenceErrors, Cognito says so at once.
        var settings = client.settings
        settings.preventUserExistenceErrors = false
        let legacy = try await fixture.service.pools.createClient(poolID: pool.id, name: "legacy", generateSecret: false, settings: settings)
        let error = await #expect(throws: LocalPoolError.self) { _ = try await challenge(fixture, legacy, srp, username: "nobody") }
        #expect(error?.type == "UserNotFoundException")
    }

    @Test func aPasswordFromBeforeSRPGetsItsVerifierAtTheNextPasswordSignIn() async throws {
        let (fixture, pool, client) = try await setUp()
        // A password set before the pool spoke SRP: no salt, no verifier.
        _ = try await fixture.service.storage.users.update(poolID: pool.id, username: "alice", now: 0) { user in
            user.srpSalt = nil
            user.srpVerifier = nil
        }
        let srp = SRPTestClient(poolID: pool.id, password: "Passw0rd!")
        var (_, parameters) = try await challenge(fixture, client, srp)
        await expectRefusal("Incorrect username or password.") {
            _ = try await fixture.service.customSignIn.respondToPasswordVerifier(client: client, responses: srp.answer(parameters), session: nil)
        }
        _ = try await fixture.signIn(client)
        await #expect(try fixture.service.users.user(poolID: pool.id, username: "alice").srpVerifier != nil)
        (_, parameters) = try await challenge(fixture, client, srp)
        let outcome = try await fixture.service.customSignIn.respondToPasswordVerifier(
            client: client,
            responses: srp.answer(parameters),
            session: nil
        )
        guard case .tokens = outcome else {
            Issue.record("expected tokens, got \(outcome)")
            return
        }
    }

    @Test func aTemporaryPasswordLeadsToTheNewPasswordChallenge() async throws {
        let (fixture, pool, client) = try await setUp()
        _ = try await fixture.service.users.createUser(poolID: pool.id, username: "newbie", attributes: [], temporaryPassword: "Temp-pass1!")
        let srp = SRPTestClient(poolID: pool.id, password: "Temp-pass1!")
        let (_, parameters) = try await challenge(fixture, client, srp, username: "newbie")
        let outcome = try await fixture.service.customSignIn.respondToPasswordVerifier(
            client: client,
            responses: srp.answer(parameters),
            session: nil
        )
        guard case .newPasswordRequired(_, "newbie", _) = outcome else {
            Issue.record("expected NEW_PASSWORD_REQUIRED, got \(outcome)")
            return
        }
    }

    @Test func theFlowMustBeEnabledAndSecretsHashed() async throws {
        let (fixture, pool, _) = try await setUp()
        let srp = SRPTestClient(poolID: pool.id, password: "Passw0rd!")
        let passwordOnly = try await fixture.client(pool)
        var error = await #expect(throws: LocalPoolError.self) { _ = try await challenge(fixture, passwordOnly, srp) }
        #expect(error?.type == "InvalidParameterException")
        let confidential = try await fixture.client(pool, secret: true, flows: Self.srpFlows)
        error = await #expect(throws: LocalPoolError.self) { _ = try await challenge(fixture, confidential, srp) }
        #expect(error?.message == "Client \(confidential.id) is configured with secret but SECRET_HASH was not received")
        for bad in ["", "xyz", "0", CognitoSRP.hex(CognitoSRP.primeBytes)] {
            let error = await #expect(throws: LocalPoolError.self) {
                _ = try await fixture.service.srp.srpAuth(
                    client: try fixture.client(pool, flows: Self.srpFlows),
                    username: "alice",
                    clientPublic: bad,
                    secretHash: nil
                )
            }
            #expect(error?.type == "InvalidParameterException")
        }
    }
}
