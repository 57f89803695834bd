import Foundation
import Synchronization
import Testing

@testable import LocalPool

/// Issue 22, items 3, 4 and 6: MFA codes count into the lockout across sessions, an MFA_SETUP
/// session completes only with its own verified code, and the hosted login's browser session
/// ends with a sign-out everywhere or a new password.
struct SignInAbuseTests {
    func mfaPool(_ configuration: MFAConfiguration) async throws -> (PoolFixture, PoolRecord, ClientRecord) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        _ = try await fixture.service.pools.setMFAConfiguration(poolID: pool.id, configuration: configuration, softwareToken: true)
        return (fixture, pool, client)
    }

    func challenge(_ outcome: AuthOutcome, _ name: ChallengeName) throws -> String {
        guard case .challenge(name, let session?, _) = outcome else {
            Issue.record("expected \(name), got \(outcome)")
            throw LocalPoolError("Test", "no challenge")
        }
        return session
    }

    func signIn(_ fixture: PoolFixture, _ client: ClientRecord, _ name: String = "alice") async throws -> AuthOutcome {
        try await fixture.service.signIn.passwordAuth(client: client, username: name, password: "Passw0rd!", secretHash: nil, flow: .user)
    }

    /// The attacker knows the password: each sign-in gives a fresh MFA session with five tries.
    /// Every wrong code counts into the user's lockout, and proving the password again does not
    /// take those counts back.
    @Test func wrongMFACodesLockTheUserOutAcrossSessions() async throws {
        let (fixture, pool, client) = try await mfaPool(.on)
        let service = fixture.service
        let setup = try challenge(try await signIn(fixture, client), .mfaSetup)
        _ = try await service.mfa.associateSoftwareToken(.session(setup))
        let key = try #require(try await service.signIn.pendingChallenge(.mfaSetup, session: setup, client: nil, username: nil).0.pendingSecret)
        let step = Int(fixture.clock.seconds.withLock { $0 }) / 30
        try await service.mfa.verifySoftwareToken(.session(setup), code: SoftwareToken.code(key: key, step: step))
        _ = try await service.mfa.respondToMFASetup(client: client, session: setup, username: "alice", secretHash: nil)

        let wrong = SoftwareToken.code(key: key, step: step + 7)
        var refusals: [String] = []
        for _ in 0..<3 {
            guard let session = try? challenge(try await signIn(fixture, client), .softwareTokenMFA) else {
                refusals.append("sign-in locked")
                continue
            }
            for _ in 0..<2 {
                do {
                    _ = try await service.mfa.respondToSoftwareTokenMFA(
                        client: client,
                        session: session,
                        username: "alice",
                        code: wrong,
                        secretHash: nil
                    )
                } catch {
                    refusals.append(error.message)
                }
            }
        }
        // Five wrong codes in three sessions, then locked: the sixth try is refused unchecked.
        #expect(refusals.prefix(5).allSatisfy { $0 == "Invalid code received for user" })
        #expect(refusals.last == "Password attempts exceeded")
        let user = try await service.users.user(poolID: pool.id, username: "alice")
        #expect(user.failedAttempts >= 5 && user.lockedUntil > fixture.clock.seconds.withLock { $0 })
        // Once the lock passes, the right code still signs in and clears the count.
        fixture.advance(60)
        let session = try challenge(try await signIn(fixture, client), .softwareTokenMFA)
        let right = SoftwareToken.code(key: key, step: (Int(fixture.clock.seconds.withLock { $0 }) / 30))
        guard
            case .tokens = try await service.mfa.respondToSoftwareTokenMFA(
                client: client,
                session: session,
                username: "alice",
                code: right,
                secretHash: nil
            )
        else {
            Issue.record("expected tokens")
            return
        }
        #expect(try await service.users.user(poolID: pool.id, username: "alice").failedAttempts == 0)
    }

    /// The attacker, who knows the password, holds an MFA_SETUP session; the victim then sets up
    /// their authenticator in their own session. The attacker's untouched session gets nothing.
    @Test func aStaleMFASetupSessionCompletesNothing() async throws {
        let (fixture, pool, client) = try await mfaPool(.on)
        let service = fixture.service
        let attacker = try challenge(try await signIn(fixture, client), .mfaSetup)
        let victim = try challenge(try await signIn(fixture, client), .mfaSetup)
        _ = try await service.mfa.associateSoftwareToken(.session(victim))
        let key = try #require(try await service.signIn.pendingChallenge(.mfaSetup, session: victim, client: nil, username: nil).0.pendingSecret)
        let step = Int(fixture.clock.seconds.withLock { $0 }) / 30
        try await service.mfa.verifySoftwareToken(.session(victim), code: SoftwareToken.code(key: key, step: step))
        guard case .tokens = try await service.mfa.respondToMFASetup(client: client, session: victim, username: "alice", secretHash: nil) else {
            Issue.record("the victim's own session should complete")
            return
        }
        #expect(try await service.users.user(poolID: pool.id, username: "alice").totpEnabled)
        let refused = await #expect(throws: LocalPoolError.self) {
            _ = try await service.mfa.respondToMFASetup(client: client, session: attacker, username: "alice", secretHash: nil)
        }
        #expect(refused?.type == "InvalidParameterException")
        // Nor can the attacker's session verify a code of the victim's secret: it has none.
        let notAssociated = await #expect(throws: LocalPoolError.self) {
            try await service.mfa.verifySoftwareToken(.session(attacker), code: SoftwareToken.code(key: key, step: step + 1))
        }
        #expect(notAssociated?.type == "SoftwareTokenMFANotFoundException")
    }

    /// A session's secret is its own: another session's AssociateSoftwareToken does not replace it.
    @Test func twoSetupSessionsKeepTheirOwnSecrets() async throws {
        let (fixture, _, client) = try await mfaPool(.on)
        let service = fixture.service
        let first = try challenge(try await signIn(fixture, client), .mfaSetup)
        let second = try challenge(try await signIn(fixture, client), .mfaSetup)
        let firstSecret = try await service.mfa.associateSoftwareToken(.session(first))
        let secondSecret = try await service.mfa.associateSoftwareToken(.session(second))
        #expect(firstSecret != secondSecret)
        #expect(try await service.mfa.pendingSoftwareTokenSecret(session: first) == firstSecret)
        #expect(try await service.mfa.pendingSoftwareTokenSecret(session: second) == secondSecret)
    }

    @Test func theHostedLoginSessionEndsWithSignOutEverywhereAPasswordChangeOrADisabledUser() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let service = fixture.service
        let user = try await service.users.user(poolID: pool.id, username: "alice")
        func browserSession() async throws -> String {
            let cookie = try await service.hostedLogin.startSSOSession(user: user)
            #expect(await service.hostedLogin.ssoUser(poolID: pool.id, cookie: cookie) != nil)
            return cookie
        }
        let signedOut = try await browserSession()
        try await service.users.globalSignOut(poolID: pool.id, username: "alice")
        #expect(await service.hostedLogin.ssoUser(poolID: pool.id, cookie: signedOut) == nil)
        // Tokens issued in the second of the sign-out are refused too: sign in the next one.
        fixture.advance(1)

        let changed = try await browserSession()
        let (access, _, _) = try await fixture.signIn(client)
        try await service.accounts.changePassword(accessToken: access, previous: "Passw0rd!", proposed: "Changed-passw0rd1")
        #expect(await service.hostedLogin.ssoUser(poolID: pool.id, cookie: changed) == nil)

        let reset = try await browserSession()
        try await service.users.setPassword(poolID: pool.id, username: "alice", password: "Reset-passw0rd1", permanent: true)
        #expect(await service.hostedLogin.ssoUser(poolID: pool.id, cookie: reset) == nil)

        let disabled = try await browserSession()
        try await service.users.setEnabled(poolID: pool.id, username: "alice", enabled: false)
        #expect(await service.hostedLogin.ssoUser(poolID: pool.id, cookie: disabled) == nil)
        try await service.users.setEnabled(poolID: pool.id, username: "alice", enabled: true)
        // A session started after the change lives.
        _ = try await browserSession()
    }
}
