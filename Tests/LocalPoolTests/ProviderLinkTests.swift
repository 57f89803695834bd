import Foundation
import GatehouseCore
import Testing

@testable import LocalPool

/// Provider identities linked to native users: kept across a restart, written into
/// `identities` as JSON whatever the provider's `sub` holds, gone with their user.
struct ProviderLinkTests {
    func expectError(_ type: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
    }

    @Test func aSubjectWithQuotesStaysOneStringInTheIdentities() throws {
        let subject = #"x","admin":true,"y":"\"#
        let attributes = Identities.updating([], provider: "Partner", subject: subject, adding: true, now: 1_800_000_000)
        let entries = Identities.parse(attributes.first { $0.name == "identities" }?.value)
        #expect(entries.count == 1)
        #expect(entries.first?["userId"] == .string(subject) && entries.first?["admin"] == nil)
        #expect(entries.first?["dateCreated"] == .string("1800000000000") && entries.first?["primary"] == .string("false"))
        #expect(Identities.updating(attributes, provider: "Partner", subject: subject, adding: false, now: 0).isEmpty)
    }

    @Test(arguments: [PoolFixture.Backing.memory, .file])
    func linksAreKeptLimitedAndGoWithTheirUser(backing: PoolFixture.Backing) async throws {
        let fixture = try PoolFixture(backing: backing)
        let service = fixture.service
        let pool = try await service.pools.createPool(name: "p")
        let endpoints = [
            "client_id": "c", "authorize_scopes": "openid", "oidc_issuer": "https://idp.example.com", "authorize_url": "https://idp.example.com/a",
            "token_url": "https://idp.example.com/t", "attributes_url": "https://idp.example.com/u", "jwks_uri": "https://idp.example.com/k",
        ]
        _ = try await service.pools.createIdentityProvider(
            poolID: pool.id,
            name: "Partner",
            type: "OIDC",
            details: endpoints,
            attributeMapping: nil,
            identifiers: nil
        )
        try await fixture.confirmedUser(pool, "nina")
        for index in 0..<5 {
            try await service.federation.link(poolID: pool.id, username: "nina", provider: "Partner", attribute: nil, subject: "s\(index)")
        }
        await expectError("LimitExceededException") {
            try await service.federation.link(poolID: pool.id, username: "nina", provider: "Partner", attribute: nil, subject: "s5")
        }
        await expectError("InvalidParameterException") {
            try await service.federation.link(poolID: pool.id, username: "nina", provider: "Partner", attribute: "Cognito_Subject", subject: "s0")
        }
        let restarted = backing == .file ? try PoolFixture(directory: fixture.directory) : fixture
        let stored = try await restarted.service.users.user(poolID: pool.id, username: "nina")
        #expect(
            Identities.parse(stored.attributes.first { $0.name == "identities" }?.value).compactMap { $0["userId"]?.stringValue } == [
                "s0", "s1", "s2", "s3", "s4",
            ]
        )
        #expect(try await restarted.service.storage.providerLinks.linkedUsername(poolID: pool.id, provider: "Partner", subject: "s3") == "nina")
        try await restarted.service.federation.disable(poolID: pool.id, provider: "Partner", attribute: nil, subject: "s3")
        #expect(try await restarted.service.storage.providerLinks.linkedUsername(poolID: pool.id, provider: "Partner", subject: "s3") == nil)
        try await restarted.service.users.deleteUser(poolID: pool.id, username: "nina")
        #expect(try await restarted.service.storage.providerLinks.linkedUsername(poolID: pool.id, provider: "Partner", subject: "s1") == nil)
    }
}
