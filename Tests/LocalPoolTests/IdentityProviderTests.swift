import Foundation
import GatehouseCore
import Logging
import Synchronization
import Testing

@testable import LocalPool

/// OIDC providers kept in the pool's file across a restart, and discovery through the
/// service's upstream seam (here a fake answering one document).
struct IdentityProviderTests {
    /// An upstream that answers one discovery document and records what was asked.
    final class OneDocument: UpstreamHTTP, Sendable {
        let document: String
        let asked = Mutex<[String]>([])

        init(_ document: String) { self.document = document }

        func send(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]) async throws -> (status: Int, body: [UInt8]) {
            asked.withLock { $0.append("\(method) \(url)") }
            return url == "https://idp.example.com/.well-known/openid-configuration" ? (200, Array(document.utf8)) : (404, [])
        }
    }

    func expectError(_ type: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
    }

    static let details = ["client_id": "c", "authorize_scopes": "openid", "oidc_issuer": "https://idp.example.com"]

    @Test func providersAreKeptAcrossARestartAndGoWithTheirPool() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pools = fixture.service.pools
        let pool = try await pools.createPool(name: "p")
        // No upstream here: discovery cannot run, so the endpoints must be given.
        await expectError("InvalidParameterException") {
            _ = try await pools.createIdentityProvider(
                poolID: pool.id,
                name: "Idp",
                type: "OIDC",
                details: Self.details,
                attributeMapping: nil,
                identifiers: nil
            )
        }
        let endpoints = [
            "authorize_url": "https://idp.example.com/a", "token_url": "https://idp.example.com/t", "attributes_url": "https://idp.example.com/u",
            "jwks_uri": "https://idp.example.com/k",
        ]
        let created = try await pools.createIdentityProvider(
            poolID: pool.id,
            name: "Idp",
            type: "OIDC",
            details: Self.details.merging(endpoints) { $1 },
            attributeMapping: ["email": "mail"],
            identifiers: ["Example.com"]
        )
        #expect(created.attributeMapping == ["email": "mail", "username": "sub"])
        #expect(created.providerDetails["attributes_request_method"] == "GET")
        let restarted = try PoolFixture(directory: fixture.directory)
        #expect(try await restarted.service.pools.identityProvider(poolID: pool.id, name: "Idp") == created)
        #expect(try await restarted.service.pools.identityProvider(poolID: pool.id, identifier: "example.COM") == created)
        try await restarted.service.pools.deletePool(pool.id)
        await expectError("ResourceNotFoundException") { _ = try await restarted.service.pools.identityProviders(poolID: pool.id) }
    }

    @Test func discoveryFillsTheEndpointsOnlyFromTheIssuersOwnDocument() async throws {
        let good = OneDocument(
            #"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a","token_endpoint":"https://idp.example.com/t","#
                + #""userinfo_endpoint":"https://idp.example.com/u","jwks_uri":"https://idp.example.com/k"}"#
        )
        let service = LocalPoolService(storage: .memory(), baseURL: "http://127.0.0.1:9229", upstream: good, logger: Logger(label: "test"))
        let pool = try await service.pools.createPool(name: "p")
        let provider = try await service.pools.createIdentityProvider(
            poolID: pool.id,
            name: "Idp",
            type: "OIDC",
            details: Self.details.merging(["token_url": "https://idp.example.com/mine"]) { $1 },
            attributeMapping: nil,
            identifiers: nil
        )
        #expect(provider.providerDetails["authorize_url"] == "https://idp.example.com/a")
        #expect(provider.providerDetails["token_url"] == "https://idp.example.com/mine")
        #expect(provider.providerDetails["jwks_uri"] == "https://idp.example.com/k")
        #expect(good.asked.withLock { $0 } == ["GET https://idp.example.com/.well-known/openid-configuration"])

        for document in [
            #"{"issuer":"https://evil.example.com","authorization_endpoint":"https://idp.example.com/a"}"#,
            #"{"issuer":"https://idp.example.com","authorization_endpoint":"http://idp.example.com/a","token_endpoint":"https://idp.example.com/t","userinfo_endpoint":"https://idp.example.com/u","jwks_uri":"https://idp.example.com/k"}"#,
            "not json",
        ] {
            let bad = LocalPoolService(
                storage: .memory(),
                baseURL: "http://127.0.0.1:9229",
                upstream: OneDocument(document),
                logger: Logger(label: "test")
            )
            let other = try await bad.pools.createPool(name: "q")
            await expectError("InvalidParameterException") {
                _ = try await bad.pools.createIdentityProvider(
                    poolID: other.id,
                    name: "Idp",
                    type: "OIDC",
                    details: Self.details,
                    attributeMapping: nil,
                    identifiers: nil
                )
            }
        }
    }
}
