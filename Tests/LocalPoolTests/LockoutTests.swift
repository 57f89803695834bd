import Foundation
import LocalPool
import Testing

/// The lockout holds under concurrent attempts, and unknown names are locked out like real ones
/// when the client hides whether users exist.
struct LockoutTests {
    /// The message of each attempt's refusal, or "signed in".
    static func attempts(_ fixture: PoolFixture, _ client: ClientRecord, _ passwords: [String], username: String = "alice") async -> [String] {
        await withTaskGroup(of: (Int, String).self) { group in
            for (index, password) in passwords.enumerated() {
                group.addTask {
                    do {
                        _ = try await fixture.signIn(client, username, password: password)
                        return (index, "signed in")
                    } catch let error as LocalPoolError {
                        return (index, error.message)
                    } catch {
                        return (index, "\(error)")
                    }
                }
            }
            var results = [String](repeating: "", count: passwords.count)
            for await (index, message) in group { results[index] = message }
            return results
        }
    }

    @Test func concurrentWrongPasswordsLockTheUserOut() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        var passwords = [String](repeating: "Wrong-pass1!", count: 40)
        passwords[24] = "Passw0rd!"
        let results = await Self.attempts(fixture, client, passwords)
        let incorrect = results.filter { $0 == "Incorrect username or password." }.count
        let exceeded = results.filter { $0 == "Password attempts exceeded" }.count
        // At most five attempts get to the password check before the lockout; the others are refused.
        #expect(incorrect + results.filter { $0 == "signed in" }.count <= 5)
        #expect(exceeded >= 35)
        #expect(incorrect + exceeded + results.filter { $0 == "signed in" }.count == 40)
        // And the user stays locked out afterwards, even with the right password.
        await #expect(throws: LocalPoolError.self) { _ = try await fixture.signIn(client) }
        await #expect(try fixture.service.users.user(poolID: pool.id, username: "alice").failedAttempts >= 5)
    }

    @Test func aCorrectPasswordClearsTheCount() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        for _ in 0..<4 { _ = await Self.attempts(fixture, client, ["Wrong-pass1!"]) }
        #expect(await Self.attempts(fixture, client, ["Passw0rd!"]) == ["signed in"])
        await #expect(try fixture.service.users.user(poolID: pool.id, username: "alice").failedAttempts == 0)
        // Four more failures do not lock: the count started again.
        for _ in 0..<4 { _ = await Self.attempts(fixture, client, ["Wrong-pass1!"]) }
        #expect(await Self.attempts(fixture, client, ["Passw0rd!"]) == ["signed in"])
    }

    @Test func unknownNamesAreLockedOutLikeRealOnes() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)  // PreventUserExistenceErrors is on by default
        try await fixture.confirmedUser(pool)
        var real: [String] = []
        var unknown: [String] = []
        for _ in 0..<7 {
            real += await Self.attempts(fixture, client, ["Wrong-pass1!"])
            unknown += await Self.attempts(fixture, client, ["Wrong-pass1!"], username: "nobody")
        }
        #expect(real == unknown)
        #expect(real.last == "Password attempts exceeded")
        #expect(real.prefix(5).allSatisfy { $0 == "Incorrect username or password." })
        // Both lockouts pass with time alike.
        fixture.advance(3)
        #expect(await Self.attempts(fixture, client, ["Wrong-pass1!"], username: "nobody") == ["Incorrect username or password."])
        // The hosted login's path hides existence too.
        for _ in 0..<6 { _ = try? await fixture.service.signIn.authenticate(poolID: pool.id, username: "ghost", password: "Wrong-pass1!") }
        let error = await #expect(throws: LocalPoolError.self) {
            _ = try await fixture.service.signIn.authenticate(poolID: pool.id, username: "ghost", password: "Wrong-pass1!")
        }
        #expect(error?.message == "Password attempts exceeded")
    }
}
