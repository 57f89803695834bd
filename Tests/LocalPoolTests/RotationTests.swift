import Foundation
import LocalPool
import Testing

/// Refresh-token rotation: the grace period's edges, reuse after it, and what stays the same.
struct RotationTests {
    func setUp(grace: Int?) async throws -> (PoolFixture, ClientRecord, String) {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        var settings = ClientSettings.defaults
        settings.explicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        settings.refreshTokenValidity = 3_600
        settings.refreshTokenRotation = grace.map { .init(enabled: true, retryGracePeriodSeconds: $0) }
        let client = try await fixture.service.pools.createClient(poolID: pool.id, name: "rotating", generateSecret: false, settings: settings)
        try await fixture.confirmedUser(pool)
        return (fixture, client, try await fixture.signIn(client).refresh)
    }

    func refresh(_ fixture: PoolFixture, _ client: ClientRecord, _ token: String) async throws -> String? {
        guard
            case .tokens(_, _, let next, _, _) = try await fixture.service.tokens.refresh(
                client: client,
                refreshToken: token,
                caller: .authenticatedClient
            )
        else { throw LocalPoolError("Test", "no tokens") }
        return next
    }

    func expectRevoked(_ fixture: PoolFixture, _ client: ClientRecord, _ token: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { _ = try await refresh(fixture, client, token) }
        #expect(error?.message == "Refresh Token has been revoked", sourceLocation: sourceLocation)
    }

    @Test func theOldTokenWorksUntilTheGracePeriodEndsThenItsReuseRevokesTheFamily() async throws {
        let (fixture, client, first) = try await setUp(grace: 10)
        let second = try await #require(try refresh(fixture, client, first))
        #expect(second != first)
        fixture.advance(9.5)
        // A retry within the grace period: tokens again, and another new refresh token.
        let third = try await #require(try refresh(fixture, client, first))
        #expect(third != second)
        fixture.advance(0.5)
        await expectRevoked(fixture, client, first)
        // Reuse after the grace period means a copy is about: every token of the family is gone.
        await expectRevoked(fixture, client, second)
        await expectRevoked(fixture, client, third)
    }

    @Test func withNoGraceTheOldTokenDiesAtOnce() async throws {
        let (fixture, client, first) = try await setUp(grace: 0)
        let second = try await #require(try refresh(fixture, client, first))
        await expectRevoked(fixture, client, first)
        await expectRevoked(fixture, client, second)
    }

    @Test func rotationKeepsTheSignInsExpiryAndRefusesREFRESH_TOKEN_AUTH() async throws {
        let (fixture, client, first) = try await setUp(grace: 60)
        let error = await #expect(throws: LocalPoolError.self) {
            _ = try await fixture.service.tokens.refresh(client: client, refreshToken: first, caller: .initiateAuth(secretHash: nil))
        }
        #expect(error?.type == "InvalidParameterException")
        fixture.advance(3_000)
        let second = try await #require(try refresh(fixture, client, first))
        fixture.advance(600)
        // The sign-in's hour is over: the rotated token expired with it.
        let expired = await #expect(throws: LocalPoolError.self) { _ = try await refresh(fixture, client, second) }
        #expect(expired?.message == "Refresh Token has expired")
    }

    @Test func withoutRotationNoNewRefreshToken() async throws {
        let (fixture, client, first) = try await setUp(grace: nil)
        await #expect(try refresh(fixture, client, first) == nil)
        await #expect(try refresh(fixture, client, first) == nil)
    }
}
