import Foundation
import Testing

@testable import LocalPool

/// Choice-based sign-in at the service, with the clock in hand: a code past its three minutes,
/// and the pool's rules on first factors.
struct ChoiceSignInTests {
    func setUp() async throws -> (PoolFixture, PoolRecord, ClientRecord) {
        let fixture = try PoolFixture()
        var pool = try await fixture.service.pools.createPool(name: "p")
        pool = try await fixture.service.pools.updatePool(pool.id, allowAdminCreateUserOnly: false, firstAuthFactors: [.password, .emailOTP])
        let client = try await fixture.client(pool, flows: ["ALLOW_USER_AUTH"])
        try await fixture.confirmedUser(pool)
        return (fixture, pool, client)
    }

    func emailChallenge(_ fixture: PoolFixture, _ client: ClientRecord) async throws -> String {
        let outcome = try await fixture.service.choiceSignIn.start(
            client: client,
            parameters: ["USERNAME": "alice", "PREFERRED_CHALLENGE": "EMAIL_OTP"],
            clientMetadata: nil
        )
        guard case .challenge(.emailOTP, let session?, let parameters) = outcome else {
            Issue.record("expected EMAIL_OTP, got \(outcome)")
            throw LocalPoolError("Test", "no challenge")
        }
        #expect(parameters["CODE_DELIVERY_DESTINATION"] == "a***@e***")
        return session
    }

    func sentCode(_ fixture: PoolFixture, _ pool: PoolRecord) async throws -> String {
        let codes = try await fixture.service.accounts.liveCodes(poolID: pool.id, username: "alice")
        return try #require(codes.first { $0.purpose == .emailOTP }).code
    }

    @Test func aCodePastThreeMinutesIsRefusedAndOneWithinSignsIn() async throws {
        let (fixture, pool, client) = try await setUp()
        let service = fixture.service.choiceSignIn
        let late = try await emailChallenge(fixture, client)
        let lateCode = try await sentCode(fixture, pool)
        #expect(lateCode.count == 8 && lateCode.allSatisfy(\.isNumber))
        fixture.advance(181)
        let error = await #expect(throws: LocalPoolError.self) {
            try await service.respondToCode(
                .emailOTP,
                client: client,
                session: late,
                responses: ["USERNAME": "alice", "EMAIL_OTP_CODE": lateCode],
                clientMetadata: nil
            )
        }
        #expect(error?.type == "NotAuthorizedException")

        let session = try await emailChallenge(fixture, client)
        let code = try await sentCode(fixture, pool)
        fixture.advance(179)
        let outcome = try await service.respondToCode(
            .emailOTP,
            client: client,
            session: session,
            responses: ["USERNAME": "alice", "EMAIL_OTP_CODE": code],
            clientMetadata: nil
        )
        guard case .tokens = outcome else {
            Issue.record("expected tokens, got \(outcome)")
            return
        }
    }

    @Test func firstFactorsNeedThePasswordAndExcludeRequiredMFA() async throws {
        let (fixture, pool, _) = try await setUp()
        let pools = fixture.service.pools
        #expect(throws: LocalPoolError.self) { try AuthFactor.checked(["EMAIL_OTP"]) }
        #expect(try AuthFactor.checked(["PASSWORD", "WEB_AUTHN", "PASSWORD"]) == [.password, .webAuthn])
        let refused = await #expect(throws: LocalPoolError.self) {
            _ = try await pools.setMFAConfiguration(poolID: pool.id, configuration: .on, softwareToken: true)
        }
        #expect(refused?.type == "InvalidParameterException")
        _ = try await pools.setMFAConfiguration(poolID: pool.id, configuration: .optional, softwareToken: true)
        #expect(try await pools.pool(pool.id).mfaConfiguration == .optional)
    }
}
