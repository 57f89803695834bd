import Foundation
import LocalPool
import Logging
import Testing

/// How many storage transactions one InitiateAuth makes (on the SQLite file), caches warm: the
/// attempt counted before bcrypt, then the counters settled with the refresh token stored (or
/// the challenge) in one go. The body is parsed once.
struct TransactionCountTests {
    static func initiate(_ fixture: PoolFixture, _ api: CognitoAPI, client: String, flow: String, parameters: String) async -> (Int, String) {
        let body = Array(#"{"AuthFlow":"\#(flow)","ClientId":"\#(client)","AuthParameters":{\#(parameters)}}"#.utf8)
        let before = fixture.service.storage.transactions
        do {
            _ = try await api.handle(target: "AWSCognitoIdentityProviderService.InitiateAuth", body: body, logger: Logger(label: "test"))
            return (fixture.service.storage.transactions - before, "ok")
        } catch {
            return (fixture.service.storage.transactions - before, error.type)
        }
    }

    @Test func aPasswordSignInIsTwoTransactions() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let api = CognitoAPI(service: fixture.service)
        func password(_ user: String, _ password: String) async -> (Int, String) {
            await Self.initiate(
                fixture,
                api,
                client: client.id,
                flow: "USER_PASSWORD_AUTH",
                parameters: #""USERNAME":"\#(user)","PASSWORD":"\#(password)""#
            )
        }
        _ = await password("alice", "Passw0rd!")
        let signedIn = await password("alice", "Passw0rd!")
        #expect(signedIn.0 == 2 && signedIn.1 == "ok")
        // A wrong password: the attempt counted, nothing more.
        let wrong = await password("alice", "wrong")
        #expect(wrong.0 == 1 && wrong.1 == "NotAuthorizedException")
        // A name that does not exist: looked for, then counted as a real one is.
        let unknown = await password("nobody", "wrong")
        #expect(unknown.0 == 2 && unknown.1 == "NotAuthorizedException")
    }

    @Test func aSignInThatAsksForMFAStoresItsChallengeWithTheCounters() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pool = try await fixture.service.pools.createPool(name: "p")
        _ = try await fixture.service.pools.setMFAConfiguration(poolID: pool.id, configuration: .on, softwareToken: true)
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let api = CognitoAPI(service: fixture.service)
        let parameters = #""USERNAME":"alice","PASSWORD":"Passw0rd!""#
        _ = await Self.initiate(fixture, api, client: client.id, flow: "USER_PASSWORD_AUTH", parameters: parameters)
        let challenged = await Self.initiate(fixture, api, client: client.id, flow: "USER_PASSWORD_AUTH", parameters: parameters)
        #expect(challenged.0 == 2 && challenged.1 == "ok")
    }
}
