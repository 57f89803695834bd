import Foundation
import Testing

@testable import LocalPool

/// Issue 22, item 2: one-time codes cannot be guessed without limit. Each code allows five wrong
/// tries, and a fresh code at every fifth try used to buy five more without end.
struct CodeLimitTests {
    func setUp() async throws -> (PoolFixture, PoolRecord, ClientRecord) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        return await (fixture, pool, try fixture.client(pool))
    }

    /// Guesses a confirmation code the way the probe did: five wrong tries, a new code, again.
    /// Returns the guesses made before the pool said `LimitExceededException` to everything.
    func guessUntilRefused(
        _ fixture: PoolFixture,
        resend: () async throws -> Void,
        guess: (String) async throws -> Void,
        budget: Int = 1000
    ) async -> Int {
        var guesses = 0
        while guesses < budget {
            do {
                try await resend()
            } catch let error as LocalPoolError where error.type == "LimitExceededException" {
                return guesses
            } catch {
                Issue.record("resend: \(error)")
                return budget
            }
            for attempt in 0..<5 {
                guesses += 1
                do {
                    // Codes are six digits; these are never the one sent (it has no seven).
                    try await guess(String(format: "%06d", 777_770 + attempt))
                    Issue.record("a wrong code was accepted")
                } catch let error as LocalPoolError where error.type == "LimitExceededException" {
                    if attempt < 4 { return guesses }
                } catch let error as LocalPoolError where error.type == "CodeMismatchException" {
                    continue
                } catch {
                    Issue.record("guess: \(error)")
                    return budget
                }
            }
        }
        return guesses
    }

    @Test func resendAndGuessLoopsAreRefusedLongBeforeAThousandGuesses() async throws {
        let (fixture, pool, client) = try await setUp()
        let service = fixture.service
        _ = try await service.accounts.signUp(
            client: client,
            username: "victim",
            password: "Victim-passw0rd!",
            attributes: [.init(name: "email", value: "attacker@example.com")],
            secretHash: nil
        )
        let guesses = await guessUntilRefused(
            fixture,
            resend: { _ = try await service.accounts.resendConfirmationCode(client: client, username: "victim", secretHash: nil) },
            guess: { try await service.accounts.confirmSignUp(client: client, username: "victim", code: $0, secretHash: nil) }
        )
        #expect(guesses > 0 && guesses <= CodeLimits.maximumFailures)
        // Blocked: no code is live, no new one is sent, and every code is refused unchecked.
        #expect(try await service.accounts.liveCodes(poolID: pool.id, username: "victim").isEmpty)
        let blocked = await #expect(throws: LocalPoolError.self) {
            try await service.accounts.confirmSignUp(client: client, username: "victim", code: "123456", secretHash: nil)
        }
        #expect(blocked?.type == "LimitExceededException" && blocked?.message == "Attempt limit exceeded, please try after some time.")
        #expect(try await service.users.user(poolID: pool.id, username: "victim").status == .unconfirmed)
        // After the back-off window, a new code works.
        fixture.advance(CodeLimits.window)
        _ = try await service.accounts.resendConfirmationCode(client: client, username: "victim", secretHash: nil)
        let fresh = try #require(try await service.accounts.liveCodes(poolID: pool.id, username: "victim").first)
        try await service.accounts.confirmSignUp(client: client, username: "victim", code: fresh.code, secretHash: nil)
    }

    @Test func aForgottenPasswordCannotBeResetByGuessing() async throws {
        let (fixture, pool, client) = try await setUp()
        let service = fixture.service
        try await fixture.confirmedUser(pool, "victim")
        let guesses = await guessUntilRefused(
            fixture,
            resend: { _ = try await service.accounts.forgotPassword(client: client, username: "victim", secretHash: nil) },
            guess: {
                try await service.accounts.confirmForgotPassword(
                    client: client,
                    username: "victim",
                    code: $0,
                    password: "Taken-passw0rd!",
                    secretHash: nil
                )
            }
        )
        #expect(guesses > 0 && guesses <= CodeLimits.maximumFailures)
        // The password is still the victim's.
        _ = try await fixture.signIn(client, "victim")
    }

    @Test func codesIssuedAreLimitedPerNameAndPurpose() async throws {
        let (fixture, pool, client) = try await setUp()
        let service = fixture.service
        try await fixture.confirmedUser(pool, "alice")
        for _ in 0..<CodeLimits.maximumIssued { _ = try await service.accounts.forgotPassword(client: client, username: "alice", secretHash: nil) }
        let refused = await #expect(throws: LocalPoolError.self) {
            _ = try await service.accounts.forgotPassword(client: client, username: "alice", secretHash: nil)
        }
        #expect(refused?.type == "LimitExceededException")
        // Another purpose (a changed email's code) has its own count; another user is untouched.
        try await fixture.confirmedUser(pool, "bob")
        _ = try await service.accounts.forgotPassword(client: client, username: "bob", secretHash: nil)
        // A name that does not exist is counted alike, so the limit tells nothing.
        for _ in 0..<CodeLimits.maximumIssued {
            let delivery = try await service.accounts.forgotPassword(client: client, username: "nobody", secretHash: nil)
            #expect(delivery?.medium == "EMAIL")
        }
        let unknown = await #expect(throws: LocalPoolError.self) {
            _ = try await service.accounts.forgotPassword(client: client, username: "nobody", secretHash: nil)
        }
        #expect(unknown?.type == "LimitExceededException")
    }

    @Test func wrongCodesOfANameThatDoesNotExistAreCountedAlike() async throws {
        let (fixture, _, client) = try await setUp()
        let service = fixture.service
        var answers: [String] = []
        for attempt in 0..<(CodeLimits.maximumFailures + 1) {
            do {
                try await service.accounts.confirmForgotPassword(
                    client: client,
                    username: "nobody",
                    code: String(format: "%06d", attempt),
                    password: "Taken-passw0rd!",
                    secretHash: nil
                )
            } catch {
                answers.append(error.type)
            }
        }
        #expect(answers.dropLast() == Array(repeating: "CodeMismatchException", count: CodeLimits.maximumFailures - 1) + ["LimitExceededException"])
        #expect(answers.last == "LimitExceededException")
    }
}
