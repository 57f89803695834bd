import Foundation
import LocalPool
import Testing

/// Sign-up, codes and resets at the service, with the clock in hand.
struct AccountTests {
    func expectError(_ type: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
    }

    func setUp() async throws -> (PoolFixture, PoolRecord, ClientRecord) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        return await (fixture, pool, try fixture.client(pool))
    }

    func code(_ fixture: PoolFixture, _ pool: PoolRecord, _ username: String, _ purpose: CodePurpose) async throws -> String {
        let codes = try await fixture.service.accounts.liveCodes(poolID: pool.id, username: username)
        return try #require(codes.first { $0.purpose == purpose }).code
    }

    @Test func codesExpireAtTheirLifetimeAndWorkOnce() async throws {
        let (fixture, pool, client) = try await setUp()
        let service = fixture.service
        _ = try await service.accounts.signUp(
            client: client,
            username: "late",
            password: "Late-passw0rd!",
            attributes: [.init(name: "email", value: "late@example.com")],
            secretHash: nil
        )
        let signUpCode = try await code(fixture, pool, "late", .signUp)
        fixture.advance(86_400)
        await expectError("ExpiredCodeException") {
            try await service.accounts.confirmSignUp(client: client, username: "late", code: signUpCode, secretHash: nil)
        }
        await #expect(try service.accounts.liveCodes(poolID: pool.id, username: "late").isEmpty)
        try await service.accounts.adminConfirmSignUp(poolID: pool.id, username: "late")

        _ = try await service.accounts.forgotPassword(client: client, username: "late", secretHash: nil)
        let resetCode = try await code(fixture, pool, "late", .forgotPassword)
        fixture.advance(3_599)
        try await service.accounts.confirmForgotPassword(
            client: client,
            username: "late",
            code: resetCode,
            password: "New-passw0rd!",
            secretHash: nil
        )
        await expectError("ExpiredCodeException") {
            try await service.accounts.confirmForgotPassword(
                client: client,
                username: "late",
                code: resetCode,
                password: "Newer-passw0rd!",
                secretHash: nil
            )
        }
        _ = try await service.accounts.forgotPassword(client: client, username: "late", secretHash: nil)
        let lateCode = try await code(fixture, pool, "late", .forgotPassword)
        fixture.advance(3_600)
        await expectError("ExpiredCodeException") {
            try await service.accounts.confirmForgotPassword(
                client: client,
                username: "late",
                code: lateCode,
                password: "Newer-passw0rd!",
                secretHash: nil
            )
        }
        _ = try await fixture.signIn(client, "late", password: "New-passw0rd!")
    }

    @Test func anUnconfirmedUserWithAWrongPasswordLearnsNothingMore() async throws {
        let (fixture, _, client) = try await setUp()
        _ = try await fixture.service.accounts.signUp(client: client, username: "quiet", password: "Quiet-passw0rd!", attributes: [], secretHash: nil)
        await expectError("NotAuthorizedException") { _ = try await fixture.signIn(client, "quiet", password: "Wrong-passw0rd!") }
        await expectError("UserNotConfirmedException") { _ = try await fixture.signIn(client, "quiet", password: "Quiet-passw0rd!") }
    }

    @Test func aRefusedSignUpLeavesNoAccount() async throws {
        let (fixture, pool, client) = try await setUp()
        await expectError("InvalidParameterException") {
            _ = try await fixture.service.accounts.signUp(
                client: client,
                username: "odd",
                password: "Odd-passw0rd!",
                attributes: [.init(name: "favourite_colour", value: "blue")],
                secretHash: nil
            )
        }
        await expectError("InvalidPasswordException") {
            _ = try await fixture.service.accounts.signUp(client: client, username: "odd", password: "short", attributes: [], secretHash: nil)
        }
        await expectError("UserNotFoundException") { _ = try await fixture.service.users.user(poolID: pool.id, username: "odd") }
    }

    @Test func aResetPasswordIsRefusedBeforeAnyPasswordCheck() async throws {
        let (fixture, pool, client) = try await setUp()
        try await fixture.confirmedUser(pool)
        try await fixture.service.accounts.adminResetUserPassword(poolID: pool.id, username: "alice")
        await expectError("PasswordResetRequiredException") { _ = try await fixture.signIn(client) }
        await expectError("PasswordResetRequiredException") { _ = try await fixture.signIn(client, password: "Anything-1!") }
        await #expect(try fixture.service.users.user(poolID: pool.id, username: "alice").failedAttempts == 0)
        try await fixture.service.accounts.confirmForgotPassword(
            client: client,
            username: "alice",
            code: try await code(fixture, pool, "alice", .forgotPassword),
            password: "Reset-passw0rd!",
            secretHash: nil
        )
        _ = try await fixture.signIn(client, password: "Reset-passw0rd!")
    }
}
