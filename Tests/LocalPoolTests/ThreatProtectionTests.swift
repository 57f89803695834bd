import Foundation
import GatehouseCore
import Testing

@testable import LocalPool

/// Threat protection's settings and records: kept in the pool's file across a restart, each
/// user's newest 100 events, gone with the user; and the CIDR ranges it matches addresses with.
struct ThreatProtectionTests {
    func expectError(_ type: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
    }

    @Test(arguments: [PoolFixture.Backing.memory, .file])
    func eventsAreKeptPerUserUpToTheLimitAndGoWithTheUser(backing: PoolFixture.Backing) async throws {
        let fixture = try PoolFixture(backing: backing)
        let service = fixture.service
        let pool = try await service.pools.createPool(name: "p", advancedSecurityMode: "AUDIT")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool, "alice")
        try await fixture.confirmedUser(pool, "bob")
        let attempt = ThreatProtection.Attempt(client: client, username: "alice", ipAddress: "192.0.2.1")
        for index in 0..<103 {
            fixture.advance(1)
            await service.threats.record(attempt, passed: index % 2 == 0, challenges: [.init(name: "Password", response: "Success")])
        }
        // A name that is no user leaves nothing.
        await service.threats.record(ThreatProtection.Attempt(client: client, username: "nobody", ipAddress: nil), passed: false, challenges: [])
        let restarted = backing == .file ? try PoolFixture(directory: fixture.directory) : fixture
        let events = try await restarted.service.threats.events(poolID: pool.id, username: "alice")
        #expect(events.count == 100)
        // Newest first: the 103rd (index 102, passed) down to the 4th (index 3, failed).
        #expect(events.first?.response == "Pass" && events.last?.response == "Fail")
        #expect(events.map(\.createdAt) == (4...103).reversed().map { 1_800_000_000 + Double($0) })
        #expect(try await restarted.service.threats.events(poolID: pool.id, username: "bob").isEmpty)

        let id = try #require(events.last?.eventId)
        try await restarted.service.threats.setFeedback(poolID: pool.id, username: "alice", eventID: id, value: "Invalid", token: nil)
        #expect(try await restarted.service.threats.events(poolID: pool.id, username: "alice").last?.feedback?.value == "Invalid")
        await expectError("NotAuthorizedException") {
            try await restarted.service.threats.setFeedback(poolID: pool.id, username: "alice", eventID: id, value: "Valid", token: "guess")
        }
        await expectError("InvalidParameterException") {
            try await restarted.service.threats.setFeedback(poolID: pool.id, username: "alice", eventID: id, value: "Maybe", token: nil)
        }
        try await restarted.service.users.deleteUser(poolID: pool.id, username: "alice")
        try await fixture.confirmedUser(pool, "alice")
        #expect(try await restarted.service.threats.events(poolID: pool.id, username: "alice").isEmpty)
    }

    @Test func configurationsAreKeptAcrossARestartAndNeedTheAddOn() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pools = fixture.service.pools
        let off = try await pools.createPool(name: "off")
        let configuration = RiskConfiguration(riskExceptionConfiguration: .init(blockedIPRangeList: ["10.0.0.0/8"], skippedIPRangeList: nil))
        await expectError("UserPoolAddOnNotEnabledException") {
            _ = try await fixture.service.threats.setRiskConfiguration(poolID: off.id, clientID: nil, configuration)
        }
        let pool = try await pools.createPool(name: "on", advancedSecurityMode: "ENFORCED")
        let stored = try await fixture.service.threats.setRiskConfiguration(poolID: pool.id, clientID: nil, configuration)
        let restarted = try PoolFixture(directory: fixture.directory)
        let (clientID, read) = try await restarted.service.threats.riskConfiguration(poolID: pool.id, clientID: nil)
        #expect(clientID == nil && read == stored && read?.riskExceptionConfiguration?.blockedIPRangeList == ["10.0.0.0/8"])
        #expect(try await restarted.service.pools.pool(pool.id).advancedSecurityMode == "ENFORCED")
        await expectError("InvalidParameterException") { _ = try await pools.createPool(name: "bad", advancedSecurityMode: "ON") }
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false), ("192.0.2.7", "192.0.2.7", true),
        ("192.0.2.7", "192.0.2.8", false), ("192.0.2.0/25", "192.0.2.127", true), ("192.0.2.0/25", "192.0.2.128", false),
        ("0.0.0.0/0", "203.0.113.1", true), ("2001:db8::/32", "2001:db8:ffff::1", true), ("2001:db8::/32", "2001:db9::1", false),
        ("127.0.0.0/8", "::ffff:127.0.0.1", true), ("127.0.0.0/8", "::1", false), ("::/0", "10.0.0.1", false),
        ("10.0.0.0/8", "10.0.0.1\0", false), ("10.0.0.0/8", "", false),
    ])
    func rangesMatchTheirAddresses(_ range: String, _ address: String, _ inside: Bool) throws {
        #expect(try #require(IPRange(range)).contains(address) == inside)
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "10.0.0.0/", "2001:db8::/129", "10.0.0.0/+8", "10.0.0.0/٨", "", "x/8"])
    func badRangesAreRefused(_ range: String) {
        #expect(IPRange(range) == nil)
    }
}
