import Foundation
import GatehouseCore
import LocalPool
import Testing

/// Tags, log delivery, attribute deletion and client secret rotation, kept in the pool's file
/// across a restart.
struct PoolSettingsTests {
    func expectError(_ type: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
    }

    @Test func tagsAndLogDeliverySurviveARestart() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pool = try await fixture.service.pools.createPool(name: "p", tags: ["team": "identity"])
        let arn = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/\(pool.id)"
        try await fixture.service.pools.tag(arn: arn, tags: ["env": "test"])
        try await fixture.service.pools.untag(arn: arn, keys: ["team"])
        let logs = [
            LogConfiguration(
                logLevel: "ERROR",
                eventSource: "userNotification",
                cloudWatchLogsConfiguration: .init(logGroupArn: "arn:aws:logs:us-east-1:1:log-group:g")
            )
        ]
        _ = try await fixture.service.pools.setLogConfigurations(poolID: pool.id, logs)
        let again = try PoolFixture(directory: fixture.directory)
        let read = try await again.service.pools.pool(arn: arn)
        #expect(read.tags == ["env": "test"])
        #expect(read.logConfigurations == logs)
        await expectError("InvalidParameterException") { try await again.service.pools.tag(arn: arn, tags: ["aws:x": "y"]) }
        await expectError("InvalidParameterException") {
            try await again.service.pools.tag(arn: arn, tags: Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") }))
        }
        await expectError("ResourceNotFoundException") { _ = try await again.service.pools.pool(arn: arn + "x") }
        await expectError("InvalidParameterException") {
            _ = try await again.service.pools.setLogConfigurations(
                poolID: pool.id,
                [LogConfiguration(logLevel: "DEBUG", eventSource: "userNotification")]
            )
        }
    }

    @Test func domainsAreKeptAcrossARestartAndGoWithTheirPool() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pools = fixture.service.pools
        let pool = try await pools.createPool(name: "p")
        let certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        _ = try await pools.createDomain(poolID: pool.id, domain: "my-login", certificateArn: nil, managedLoginVersion: nil)
        let custom = try await pools.createDomain(poolID: pool.id, domain: "auth.example.com", certificateArn: certificate, managedLoginVersion: 2)
        let restarted = try PoolFixture(directory: fixture.directory)
        #expect(try await restarted.service.pools.domains(poolID: pool.id).map(\.domain) == ["my-login", "auth.example.com"])
        #expect(try await restarted.service.pools.domain(named: "auth.example.com") == custom)
        #expect(custom.cloudFrontDomain == (try await restarted.service.pools.domain(named: "auth.example.com"))?.cloudFrontDomain)
        #expect(custom.cloudFrontDomain.wholeMatch(of: /d[a-z0-9]{13}\.cloudfront\.net/) != nil)
        let other = try await restarted.service.pools.createPool(name: "q")
        await expectError("InvalidParameterException") {
            _ = try await restarted.service.pools.createDomain(poolID: other.id, domain: "my-login", certificateArn: nil, managedLoginVersion: nil)
        }
        try await restarted.service.pools.deletePool(pool.id)
        #expect(try await restarted.service.pools.domain(named: "my-login") == nil)
        _ = try await restarted.service.pools.createDomain(poolID: other.id, domain: "my-login", certificateArn: nil, managedLoginVersion: 1)
    }

    @Test(arguments: [PoolFixture.Backing.memory, .file])
    func termsAreOnePerNameAndGoWithTheirClient(backing: PoolFixture.Backing) async throws {
        let fixture = try PoolFixture(backing: backing)
        let pools = fixture.service.pools
        let pool = try await pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        let links = ["cognito:default": "https://example.com/terms"]
        let terms = try await pools.createTerms(
            poolID: pool.id,
            clientID: client.id,
            name: "terms-of-use",
            source: "LINK",
            enforcement: "NONE",
            links: links
        )
        await expectError("TermsExistsException") {
            _ = try await pools.createTerms(
                poolID: pool.id,
                clientID: client.id,
                name: "terms-of-use",
                source: "LINK",
                enforcement: "NONE",
                links: links
            )
        }
        await expectError("InvalidParameterException") {
            _ = try await pools.createTerms(
                poolID: pool.id,
                clientID: client.id,
                name: "privacy-policy",
                source: "FILE",
                enforcement: "NONE",
                links: links
            )
        }
        let other = try await pools.createPool(name: "q")
        await expectError("ResourceNotFoundException") { _ = try await pools.terms(poolID: other.id, id: terms.termsId) }
        #expect(try await pools.terms(poolID: pool.id, id: terms.termsId) == terms)
        try await pools.deleteClient(client.id, poolID: pool.id)
        #expect(try await pools.termsList(poolID: pool.id).isEmpty)
    }

    @Test func deletedAttributesTakeTheirVerificationAlong() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        try await fixture.confirmedUser(pool)
        try await fixture.service.users.deleteAttributes(poolID: pool.id, username: "alice", names: ["email", "website"])
        let user = try await fixture.service.users.user(poolID: pool.id, username: "alice")
        #expect(user.attributes.map(\.name) == ["nickname"])
        await expectError("InvalidParameterException") {
            try await fixture.service.users.deleteAttributes(poolID: pool.id, username: "alice", names: ["sub"])
        }
        await expectError("InvalidParameterException") {
            try await fixture.service.users.deleteAttributes(poolID: pool.id, username: "alice", names: ["missing"])
        }
        await expectError("InvalidParameterException") {
            try await fixture.service.users.deleteAttributes(poolID: pool.id, username: "alice", names: [String(repeating: "a", count: 33)])
        }
    }

    @Test func twoSecretsWorkUntilOneIsDeletedAndTheLastStays() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool, secret: true)
        let first = try #require(client.secret)
        let added = try await fixture.service.pools.addClientSecret(client.id, poolID: pool.id, value: nil)
        await expectError("LimitExceededException") { _ = try await fixture.service.pools.addClientSecret(client.id, poolID: pool.id, value: nil) }
        let restarted = try PoolFixture(directory: fixture.directory)
        let stored = try await restarted.service.pools.client(client.id)
        #expect(stored.secrets.map(\.value) == [first, added.value])
        #expect(stored.accepts(secret: first) && stored.accepts(secret: added.value) && !stored.accepts(secret: first + "x"))
        let originalID = try #require(stored.secrets.first?.id)
        try await restarted.service.pools.deleteClientSecret(originalID, clientID: client.id, poolID: pool.id)
        let rotated = try await restarted.service.pools.client(client.id)
        #expect(rotated.secret == added.value && !rotated.accepts(secret: first))
        await expectError("InvalidParameterException") {
            try await restarted.service.pools.deleteClientSecret(added.id, clientID: client.id, poolID: pool.id)
        }
        await expectError("ResourceNotFoundException") {
            try await restarted.service.pools.deleteClientSecret("nope", clientID: client.id, poolID: pool.id)
        }
        await expectError("InvalidParameterException") {
            _ = try await restarted.service.pools.addClientSecret(client.id, poolID: pool.id, value: "too-short")
        }
        let publicClient = try await restarted.client(pool)
        await expectError("InvalidParameterException") {
            _ = try await restarted.service.pools.addClientSecret(publicClient.id, poolID: pool.id, value: nil)
        }
    }

    @Test func uiCustomizationsSurviveARestartAndGoWithTheirClient() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        _ = try await fixture.service.pools.setUICustomization(poolID: pool.id, clientID: nil, css: ".a{}", image: nil)
        _ = try await fixture.service.pools.setUICustomization(poolID: pool.id, clientID: client.id, css: ".b{}", image: png)
        let again = try PoolFixture(directory: fixture.directory)
        let (key, own) = try await again.service.pools.uiCustomization(poolID: pool.id, clientID: client.id)
        #expect(key == client.id && own?.css == ".b{}" && own?.image == png)
        #expect(own?.imageURL == "data:image/png;base64,iVBORw0KGgoBAgM=")
        await expectError("InvalidParameterException") {
            _ = try await again.service.pools.setUICustomization(poolID: pool.id, clientID: nil, css: "</style>", image: nil)
        }
        await expectError("InvalidParameterException") {
            _ = try await again.service.pools.setUICustomization(poolID: pool.id, clientID: nil, css: nil, image: Array("GIF89a".utf8))
        }
        try await again.service.pools.deleteClient(client.id, poolID: pool.id)
        #expect(try await again.service.pools.pool(pool.id).uiCustomizations?.keys.sorted() == ["ALL"])
        let (fallback, all) = try await again.service.pools.uiCustomization(poolID: pool.id, clientID: nil)
        #expect(fallback == "ALL" && all?.css == ".a{}")
    }
}
