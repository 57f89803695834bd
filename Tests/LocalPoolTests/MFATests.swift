import Foundation
import Synchronization
import Testing

@testable import LocalPool

/// TOTP against RFC 6238's published vectors and RFC 4648's base32 ones, and the MFA challenges
/// with the clock in hand.
struct MFATests {
    /// RFC 6238 appendix B, SHA-1 rows (the key is the ASCII string "12345678901234567890"); the
    /// six-digit code is the last six of the eight-digit value.
    @Test(arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfc6238Vectors(time: Int, eightDigits: String) {
        #expect(SoftwareToken.code(key: "12345678901234567890", step: time / 30) == String(eightDigits.suffix(6)))
    }

    @Test func base32IsRFC4648sWithoutPadding() {
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (text, encoded) in vectors { #expect(SoftwareToken.base32(Array(text.utf8)) == encoded) }
        let secret = SoftwareToken.newSecret()
        #expect(secret.key.count == 20 && secret.base32.count == 32)
        #expect(SoftwareToken.base32(Array(secret.key.utf8)) == secret.base32)
    }

    @Test func codesOfTheNeighbouringStepsAreAcceptedOnceAndNoOthers() {
        let key = "12345678901234567890"
        let now = 1_800_000_015.0
        let step = Int(now) / 30
        for offset in [-1, 0, 1] {
            #expect(SoftwareToken.acceptedStep(SoftwareToken.code(key: key, step: step + offset), key: key, now: now, after: 0) == step + offset)
        }
        for offset in [-2, 2] {
            #expect(SoftwareToken.acceptedStep(SoftwareToken.code(key: key, step: step + offset), key: key, now: now, after: 0) == nil)
        }
        // Used: a step at or before the last accepted one.
        #expect(SoftwareToken.acceptedStep(SoftwareToken.code(key: key, step: step), key: key, now: now, after: step) == nil)
        #expect(SoftwareToken.acceptedStep(SoftwareToken.code(key: key, step: step - 1), key: key, now: now, after: step - 1) == nil)
        #expect(SoftwareToken.acceptedStep("12345", key: key, now: now, after: 0) == nil)
    }

    func challenge(_ outcome: AuthOutcome, _ name: ChallengeName) throws -> String {
        guard case .challenge(name, let session?, _) = outcome else {
            Issue.record("expected \(name), got \(outcome)")
            throw LocalPoolError("Test", "no challenge")
        }
        return session
    }

    @Test func setUpAtFirstSignInThenACodeEachTimeEachCodeOnce() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let service = fixture.service
        _ = try await service.pools.setMFAConfiguration(poolID: pool.id, configuration: .on, softwareToken: true)
        func signIn() async throws -> AuthOutcome {
            try await service.signIn.passwordAuth(client: client, username: "alice", password: "Passw0rd!", secretHash: nil, flow: .user)
        }
        let setup = try challenge(try await signIn(), .mfaSetup)
        await #expect(throws: LocalPoolError.self) {
            _ = try await service.mfa.respondToMFASetup(client: client, session: setup, username: "alice", secretHash: nil)
        }
        _ = try await service.mfa.associateSoftwareToken(.session(setup))
        // The secret is the session's own, not the user's until a code from it is verified.
        #expect(try await service.users.user(poolID: pool.id, username: "alice").totpPendingSecret == nil)
        let key = try await #require(try service.signIn.pendingChallenge(.mfaSetup, session: setup, client: nil, username: nil).0.pendingSecret)
        let now = fixture.clock.seconds.withLock { $0 }
        let code = SoftwareToken.code(key: key, step: Int(now) / 30)
        try await service.mfa.verifySoftwareToken(.session(setup), code: code)
        guard case .tokens = try await service.mfa.respondToMFASetup(client: client, session: setup, username: "alice", secretHash: nil) else {
            Issue.record("expected tokens")
            return
        }
        // Next sign-in: a code. The one verification used is spent; the next step's works.
        let mfa = try challenge(try await signIn(), .softwareTokenMFA)
        let used = await #expect(throws: LocalPoolError.self) {
            _ = try await service.mfa.respondToSoftwareTokenMFA(client: client, session: mfa, username: "alice", code: code, secretHash: nil)
        }
        #expect(used?.type == "CodeMismatchException")
        fixture.advance(30)
        let next = SoftwareToken.code(key: key, step: Int(now) / 30 + 1)
        guard
            case .tokens = try await service.mfa.respondToSoftwareTokenMFA(
                client: client,
                session: mfa,
                username: "alice",
                code: next,
                secretHash: nil
            )
        else {
            Issue.record("expected tokens")
            return
        }
        // The session answered once.
        await #expect(throws: LocalPoolError.self) {
            _ = try await service.mfa.respondToSoftwareTokenMFA(client: client, session: mfa, username: "alice", code: next, secretHash: nil)
        }
    }

    @Test func fiveWrongCodesEndTheSessionAndSessionsExpire() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let service = fixture.service
        _ = try await service.pools.setMFAConfiguration(poolID: pool.id, configuration: .optional, softwareToken: true)
        let (access, _, _) = try await fixture.signIn(client)
        _ = try await service.mfa.associateSoftwareToken(.accessToken(access))
        let key = try await #require(try service.users.user(poolID: pool.id, username: "alice").totpPendingSecret)
        let step = Int(fixture.clock.seconds.withLock { $0 }) / 30
        try await service.mfa.verifySoftwareToken(.accessToken(access), code: SoftwareToken.code(key: key, step: step))
        // Verified but not on until the preference says so (OPTIONAL pool).
        _ = try await fixture.signIn(client)
        try await service.mfa.setSoftwareTokenPreference(poolID: pool.id, username: "alice", enabled: true)
        func mfaSession() async throws -> String {
            try challenge(
                try await service.signIn.passwordAuth(client: client, username: "alice", password: "Passw0rd!", secretHash: nil, flow: .user),
                .softwareTokenMFA
            )
        }
        let session = try await mfaSession()
        let wrong = SoftwareToken.code(key: key, step: step + 5)
        for _ in 0..<5 {
            let error = await #expect(throws: LocalPoolError.self) {
                _ = try await service.mfa.respondToSoftwareTokenMFA(client: client, session: session, username: "alice", code: wrong, secretHash: nil)
            }
            #expect(error?.type == "CodeMismatchException")
        }
        let right = SoftwareToken.code(key: key, step: step + 1)
        let ended = await #expect(throws: LocalPoolError.self) {
            _ = try await service.mfa.respondToSoftwareTokenMFA(client: client, session: session, username: "alice", code: right, secretHash: nil)
        }
        #expect(ended?.type == "NotAuthorizedException")
        // The five wrong codes count towards the user's lockout, as five wrong passwords do.
        let locked = await #expect(throws: LocalPoolError.self) { _ = try await mfaSession() }
        #expect(locked?.message == "Password attempts exceeded")
        fixture.advance(1)
        let late = try await mfaSession()
        fixture.advance(SignIn.mfaSessionLifetime)
        let expired = await #expect(throws: LocalPoolError.self) {
            _ = try await service.mfa.respondToSoftwareTokenMFA(client: client, session: late, username: "alice", code: right, secretHash: nil)
        }
        #expect(expired?.message == "Invalid session for the user, session is expired.")
        // Turning MFA on needs a verified token.
        try await fixture.confirmedUser(pool, "bob")
        await #expect(throws: LocalPoolError.self) {
            try await service.mfa.setSoftwareTokenPreference(poolID: pool.id, username: "bob", enabled: true)
        }
        await #expect(throws: LocalPoolError.self) {
            _ = try await service.pools.setMFAConfiguration(poolID: pool.id, configuration: .on, softwareToken: false)
        }
    }
}
