import Foundation
import Synchronization
import Testing

@testable import LocalPool

/// Issue 22, items 7 and 8: with `PreventUserExistenceErrors` no answer, and no amount of work,
/// tells a name that exists from one that does not.
struct ExistenceHidingTests {
    func expectError(_ type: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
    }

    func setUp(hidden: Bool = true, hasher: PasswordHasher = PasswordHasher(cost: 4)) async throws -> (PoolFixture, PoolRecord, ClientRecord) {
        let fixture = try PoolFixture(backing: .file, hasher: hasher)
        let pool = try await fixture.service.pools.createPool(name: "p")
        var settings = ClientSettings.defaults
        settings.explicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        settings.preventUserExistenceErrors = hidden
        let client = try await fixture.service.pools.createClient(poolID: pool.id, name: "app", generateSecret: false, settings: settings)
        try await fixture.confirmedUser(pool, "alice")
        return (fixture, pool, client)
    }

    /// A made-up destination has a real one's shape: one letter, `***@`, one letter, `***`.
    static func looksReal(_ destination: String?) -> Bool {
        destination?.wholeMatch(of: /[a-z0-9]\*\*\*@[a-z0-9]\*\*\*/) != nil
    }

    @Test func unknownDisabledAndEmaillessNamesGetWhatARealUserGets() async throws {
        let (fixture, pool, client) = try await setUp()
        let service = fixture.service
        _ = try await service.users.createUser(poolID: pool.id, username: "mailless", attributes: [], temporaryPassword: nil)
        try await service.users.setPassword(poolID: pool.id, username: "mailless", password: "Passw0rd!", permanent: true)
        try await fixture.confirmedUser(pool, "sleeper")
        try await service.users.setEnabled(poolID: pool.id, username: "sleeper", enabled: false)

        let real = try await service.accounts.forgotPassword(client: client, username: "alice", secretHash: nil)
        #expect(Self.looksReal(real?.destination))
        for name in ["nobody", "mailless", "sleeper"] {
            let simulated = try await service.accounts.forgotPassword(client: client, username: name, secretHash: nil)
            #expect(Self.looksReal(simulated?.destination), "\(name)")
            #expect(simulated?.medium == "EMAIL" && simulated?.attributeName == "email")
            // The same name gets the same made-up answer.
            #expect(try await service.accounts.forgotPassword(client: client, username: name, secretHash: nil) == simulated)
        }
        // ConfirmForgotPassword: CodeMismatchException for unknown and disabled names, as Cognito
        // documents, and for one without an email, whose ForgotPassword was made up too.
        for name in ["nobody", "sleeper", "mailless"] {
            await expectError("CodeMismatchException") {
                try await service.accounts.confirmForgotPassword(
                    client: client,
                    username: name,
                    code: "123456",
                    password: "Next-passw0rd1",
                    secretHash: nil
                )
            }
        }
        // ConfirmSignUp and ResendConfirmationCode for an unknown name.
        await expectError("CodeMismatchException") {
            try await service.accounts.confirmSignUp(client: client, username: "nobody", code: "123456", secretHash: nil)
        }
        #expect(Self.looksReal(try await service.accounts.resendConfirmationCode(client: client, username: "nobody", secretHash: nil)?.destination))
        // The password policy answers first, for every name alike.
        for name in ["alice", "nobody"] {
            await expectError("InvalidPasswordException") {
                try await service.accounts.confirmForgotPassword(client: client, username: name, code: "123456", password: "weak", secretHash: nil)
            }
        }
    }

    @Test func madeUpDestinationsOutliveARestart() async throws {
        let (fixture, _, client) = try await setUp()
        let before = try await fixture.service.accounts.forgotPassword(client: client, username: "nobody", secretHash: nil)
        let restarted = try PoolFixture(directory: fixture.directory)
        let client2 = try await restarted.service.pools.client(client.id)
        #expect(try await restarted.service.accounts.forgotPassword(client: client2, username: "nobody", secretHash: nil) == before)
    }

    @Test func withExistenceErrorsOnTheOperationsSayUserNotFound() async throws {
        let (fixture, _, client) = try await setUp(hidden: false)
        let service = fixture.service
        await expectError("UserNotFoundException") {
            _ = try await service.accounts.forgotPassword(client: client, username: "nobody", secretHash: nil)
        }
        await expectError("UserNotFoundException") {
            try await service.accounts.confirmSignUp(client: client, username: "nobody", code: "1", secretHash: nil)
        }
        await expectError("UserNotFoundException") {
            _ = try await service.accounts.resendConfirmationCode(client: client, username: "nobody", secretHash: nil)
        }
    }

    /// SRP answers an unknown name with a salt made from the server's persistent key: the same at
    /// every attempt and after a restart, as a real user's salt is.
    @Test func decoySaltsAreStableAcrossRestarts() async throws {
        let (fixture, _, client) = try await setUp()
        let a = CognitoSRP.hex(CognitoSRP.field.bytes(CognitoSRP.field.power(CognitoSRP.generator, exponent: Array(repeating: 7, count: 32))))
        func salt(_ service: LocalPoolService, _ client: ClientRecord) async throws -> String? {
            guard
                case .challenge(_, _, let parameters) = try await service.srp.srpAuth(
                    client: client,
                    username: "nobody",
                    clientPublic: a,
                    secretHash: nil
                )
            else { return nil }
            return parameters["SALT"]
        }
        let first = try #require(try await salt(fixture.service, client))
        #expect(try await salt(fixture.service, client) == first)
        let restarted = try PoolFixture(directory: fixture.directory)
        #expect(try await salt(restarted.service, try await restarted.service.pools.client(client.id)) == first)
    }

    /// A wrong SRP proof costs a real user no bcrypt, so an unknown name's must not either (the
    /// decoy check made it 20 to 30 times slower, which told who exists); a wrong password costs
    /// both one bcrypt.
    @Test func aWrongProofDoesTheSameWorkForEveryName() async throws {
        let runs = Mutex<[PasswordHasher.Work]>([])
        let (fixture, _, client) = try await setUp(hasher: PasswordHasher(cost: 4) { work in runs.withLock { $0.append(work) } })
        let service = fixture.service
        let a = CognitoSRP.hex(CognitoSRP.field.bytes(CognitoSRP.field.power(CognitoSRP.generator, exponent: Array(repeating: 9, count: 32))))
        func wrongProof(_ name: String) async throws -> [PasswordHasher.Work] {
            guard
                case .challenge(_, let session, let parameters) = try await service.srp.srpAuth(
                    client: client,
                    username: name,
                    clientPublic: a,
                    secretHash: nil
                )
            else { throw LocalPoolError("Test", "no challenge") }
            runs.withLock { $0 = [] }
            let responses = [
                "USERNAME": name, "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"]!,
                "PASSWORD_CLAIM_SIGNATURE": Data(repeating: 1, count: 32).base64EncodedString(), "TIMESTAMP": "Tue Nov 3 09:05:01 UTC 2026",
            ]
            await expectError("NotAuthorizedException") {
                _ = try await service.customSignIn.respondToPasswordVerifier(client: client, responses: responses, session: session)
            }
            return runs.withLock { $0 }
        }
        #expect(try await wrongProof("alice") == [])
        #expect(try await wrongProof("nobody") == [])
        func wrongPassword(_ name: String) async -> [PasswordHasher.Work] {
            runs.withLock { $0 = [] }
            await expectError("NotAuthorizedException") {
                _ = try await service.signIn.passwordAuth(client: client, username: name, password: "Wrong-passw0rd1", secretHash: nil, flow: .user)
            }
            return runs.withLock { $0 }
        }
        #expect(await wrongPassword("alice") == [.verify])
        #expect(await wrongPassword("nobody") == [.decoy])
    }

    /// Lockouts of names that do not exist are kept in the database, as real users' are: they
    /// survive a restart (which a memory-only counter did not).
    @Test func unknownNamesAreLockedOutLikeRealOnesAcrossARestart() async throws {
        let (fixture, _, client) = try await setUp()
        for _ in 0..<5 {
            await expectError("NotAuthorizedException") {
                _ = try await fixture.service.signIn.passwordAuth(
                    client: client,
                    username: "nobody",
                    password: "Wrong-passw0rd1",
                    secretHash: nil,
                    flow: .user
                )
            }
        }
        let restarted = try PoolFixture(directory: fixture.directory)
        restarted.clock.seconds.withLock { $0 = fixture.clock.seconds.withLock { $0 } }
        let locked = await #expect(throws: LocalPoolError.self) {
            _ = try await restarted.service.signIn.passwordAuth(
                client: client,
                username: "nobody",
                password: "Wrong-passw0rd1",
                secretHash: nil,
                flow: .user
            )
        }
        #expect(locked?.message == "Password attempts exceeded")
    }
}
