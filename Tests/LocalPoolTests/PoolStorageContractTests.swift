import Foundation
import Testing

@testable import LocalPool

/// The storage seam's contract, held by both implementations: the SQLite file and the memory
/// the unit tests run on. Each test runs on each.
struct PoolStorageContractTests {
    enum Backing: String, CaseIterable, CustomTestStringConvertible {
        case memory, database
        var testDescription: String { rawValue }
    }

    /// A fresh storage of `backing`, with one pool and its client.
    static func storage(_ backing: Backing) async throws -> PoolStorage {
        let storage: PoolStorage =
            backing == .memory
            ? .memory()
            : .database(try PoolDatabase(directory: FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID().uuidString)")))
        try await storage.pools.create(
            PoolRecord(id: "us-east-1_P", name: "p", allowAdminCreateUserOnly: false, createdAt: 1, updatedAt: 1),
            keys: []
        )
        let client = ClientRecord(id: "client1", poolId: "us-east-1_P", name: "c", secret: nil, settings: .defaults, createdAt: 1)
        try await storage.pools.create(client)
        return storage
    }

    static func user(_ name: String, sub: String? = nil) -> UserRecord {
        UserRecord(
            poolId: "us-east-1_P",
            username: name,
            sub: sub ?? "sub-\(name)",
            attributes: [],
            enabled: true,
            status: .confirmed,
            tokensValidAfter: 0,
            failedAttempts: 0,
            lockedUntil: 0,
            createdAt: 1,
            updatedAt: 1
        )
    }

    static func refreshToken(_ hash: String, user: String, family: String, client: String = "client1") -> RefreshTokenRecord {
        RefreshTokenRecord(
            tokenHash: hash,
            poolId: "us-east-1_P",
            clientId: client,
            username: user,
            originJti: family,
            authTime: 1,
            scope: TokenRequest.apiScope,
            createdAt: 1,
            expiresAt: 1000
        )
    }

    @Test(arguments: Backing.allCases)
    func usersAreUniqueByNameAndFoundByNameOrSub(backing: Backing) async throws {
        let storage = try await Self.storage(backing)
        #expect(try await storage.users.create(Self.user("alice")))
        #expect(try await !storage.users.create(Self.user("alice", sub: "other")))
        #expect(try await storage.users.user(poolID: "us-east-1_P", name: "sub-alice")?.username == "alice")
        #expect(try await storage.users.user(poolID: "us-east-1_P", name: "nobody") == nil)
        let changed = try await storage.users.update(poolID: "us-east-1_P", username: "alice", now: 5) { $0.enabled = false }
        #expect(changed?.enabled == false && changed?.updatedAt == 5)
        #expect(try await storage.users.update(poolID: "us-east-1_P", username: "nobody", now: 5) { _ in } == nil)
        // A change that throws changes nothing.
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await storage.users.update(poolID: "us-east-1_P", username: "alice", now: 6) { user in
                user.enabled = true
                throw Refused()
            }
        }
        #expect(try await storage.users.user(poolID: "us-east-1_P", name: "alice")?.enabled == false)
    }

    @Test(arguments: Backing.allCases)
    func deletingAUserTakesTheirTokensCodesAndMemberships(backing: Backing) async throws {
        let storage = try await Self.storage(backing)
        _ = try await storage.users.create(Self.user("alice"))
        _ = try await storage.users.create(Self.user("bob"))
        _ = try await storage.groups.create(GroupRecord(poolId: "us-east-1_P", name: "staff", createdAt: 1, updatedAt: 1))
        try await storage.groups.addMember(poolID: "us-east-1_P", group: "staff", username: "alice")
        try await storage.groups.addMember(poolID: "us-east-1_P", group: "staff", username: "bob")
        try await storage.tokens.create(Self.refreshToken("h1", user: "alice", family: "f1"))
        let code = UserCodeRecord(
            poolId: "us-east-1_P",
            username: "alice",
            purpose: .signUp,
            code: "123456",
            createdAt: 1,
            expiresAt: 100,
            failedAttempts: 0
        )
        #expect(try await storage.codes.issue(code, now: 1))
        try await storage.users.delete(poolID: "us-east-1_P", username: "alice")
        #expect(try await storage.tokens.refreshToken(hash: "h1") == nil)
        #expect(try await storage.codes.liveCodes(poolID: "us-east-1_P", username: "alice", now: 2).isEmpty)
        #expect(try await storage.groups.members(poolID: "us-east-1_P", group: "staff", after: "", limit: 10).map(\.username) == ["bob"])
    }

    @Test(arguments: Backing.allCases)
    func attemptsLockOutAndNamesThatDoNotExistCountAlike(backing: Backing) async throws {
        let storage = try await Self.storage(backing)
        _ = try await storage.users.create(Self.user("alice"))
        var outcomes: [String] = []
        for _ in 0..<7 {
            switch try await storage.users.countAttempt(poolID: "us-east-1_P", name: "alice", now: 10) {
            case .counted: outcomes.append("counted")
            case .lockedOut: outcomes.append("locked")
            default: outcomes.append("other")
            }
        }
        // Five free attempts; the fifth locks for a second from now, so the sixth is refused.
        #expect(outcomes == ["counted", "counted", "counted", "counted", "counted", "locked", "locked"])
        guard case .missing = try await storage.users.countAttempt(poolID: "us-east-1_P", name: "nobody", now: 10) else {
            Issue.record("expected no user")
            return
        }
        var phantom: [Bool] = []
        for _ in 0..<7 { phantom.append(try await storage.users.countPhantomAttempt(poolID: "us-east-1_P", username: "nobody", now: 10)) }
        #expect(phantom == [true, true, true, true, true, false, false])
    }

    @Test(arguments: Backing.allCases)
    func aSignInStepEndsInOneGo(backing: Backing) async throws {
        let storage = try await Self.storage(backing)
        _ = try await storage.users.create(Self.user("alice"))
        _ = try await storage.groups.create(GroupRecord(poolId: "us-east-1_P", name: "b", precedence: 2, createdAt: 1, updatedAt: 1))
        _ = try await storage.groups.create(GroupRecord(poolId: "us-east-1_P", name: "a", createdAt: 1, updatedAt: 1))
        _ = try await storage.groups.create(GroupRecord(poolId: "us-east-1_P", name: "c", precedence: 1, createdAt: 1, updatedAt: 1))
        for group in ["a", "b", "c"] { try await storage.groups.addMember(poolID: "us-east-1_P", group: group, username: "alice") }
        let challenge = AuthSessionRecord(
            sessionHash: "s1",
            poolId: "us-east-1_P",
            clientId: "client1",
            username: "alice",
            challenge: .softwareTokenMFA,
            expiresAt: 100
        )
        try await storage.challenges.create(challenge)
        let before = storage.transactions
        let finished = try await storage.users.finishSignInStep(
            poolID: "us-east-1_P",
            username: "alice",
            now: 7,
            change: { $0.failedAttempts = 0 },
            answered: "s1",
            leftover: .refreshToken(Self.refreshToken("h1", user: "alice", family: "f1"))
        )
        #expect(storage.transactions == before + 1)
        // Groups in token order: by precedence, those without one last.
        #expect(finished?.groups.map(\.name) == ["c", "b", "a"])
        #expect(finished?.user.updatedAt == 7)
        #expect(try await storage.challenges.challenge(hash: "s1") == nil)
        #expect(try await storage.tokens.refreshToken(hash: "h1") != nil)
    }

    @Test(arguments: Backing.allCases)
    func codesAreCheckedOnceAndWithdrawnAfterFiveWrongTries(backing: Backing) async throws {
        let storage = try await Self.storage(backing)
        _ = try await storage.users.create(Self.user("alice"))
        let code = UserCodeRecord(
            poolId: "us-east-1_P",
            username: "alice",
            purpose: .forgotPassword,
            code: "123456",
            createdAt: 1,
            expiresAt: 100,
            failedAttempts: 0
        )
        #expect(try await storage.codes.issue(code, now: 1))
        #expect(
            try await storage.codes.consume(poolID: "us-east-1_P", username: "alice", purpose: .forgotPassword, code: "123456", now: 2) == .accepted
        )
        #expect(
            try await storage.codes.consume(poolID: "us-east-1_P", username: "alice", purpose: .forgotPassword, code: "123456", now: 2) == .expired
        )
        #expect(try await storage.codes.issue(code, now: 3))
        var checks: [CodeCheck] = []
        for _ in 0..<5 {
            checks.append(try await storage.codes.consume(poolID: "us-east-1_P", username: "alice", purpose: .forgotPassword, code: "000000", now: 4))
        }
        #expect(checks == [.mismatch, .mismatch, .mismatch, .mismatch, .withdrawn])
        // Five codes a window; the sixth is refused.
        var issued: [Bool] = []
        for _ in 0..<5 { issued.append(try await storage.codes.issue(code, now: 5)) }
        #expect(issued == [true, true, true, true, false])
    }

    @Test(arguments: Backing.allCases)
    func familiesAreRevokedAndCodesRedeemedOnce(backing: Backing) async throws {
        let storage = try await Self.storage(backing)
        _ = try await storage.users.create(Self.user("alice"))
        try await storage.tokens.create(Self.refreshToken("h1", user: "alice", family: "f1"))
        try await storage.tokens.rotate(hash: "h1", to: Self.refreshToken("h2", user: "alice", family: "f1"), now: 3)
        try await storage.tokens.rotate(hash: "h1", to: Self.refreshToken("h3", user: "alice", family: "f1"), now: 9)
        #expect(try await storage.tokens.refreshToken(hash: "h1")?.rotatedAt == 3)
        try await storage.tokens.revokeFamily(originJti: "f1", now: 10)
        #expect(try await storage.tokens.refreshToken(hash: "h2")?.revokedAt == 10)
        #expect(try await storage.tokens.accessTokenState(poolID: "us-east-1_P", username: "alice", originJti: "f1").revoked)
        #expect(try await !storage.tokens.accessTokenState(poolID: "us-east-1_P", username: "alice", originJti: "f2").revoked)
        let code = AuthCodeRecord(
            codeHash: "c1",
            poolId: "us-east-1_P",
            clientId: "client1",
            username: "alice",
            redirectUri: "http://app/",
            scope: "openid",
            authTime: 1,
            expiresAt: 100
        )
        try await storage.hostedLogin.create(code)
        guard case .first(let first)? = try await storage.hostedLogin.redeem(codeHash: "c1", now: 2, originJti: "f9") else {
            Issue.record("expected a first redemption")
            return
        }
        #expect(first.originJti == "f9")
        guard case .reused(let family)? = try await storage.hostedLogin.redeem(codeHash: "c1", now: 3, originJti: "f10") else {
            Issue.record("expected a reuse")
            return
        }
        #expect(family == "f9")
        #expect(try await storage.hostedLogin.redeem(codeHash: "nope", now: 3, originJti: "f11") == nil)
    }

    @Test(arguments: Backing.allCases)
    func deletingAClientOrAPoolTakesWhatHangsOnIt(backing: Backing) async throws {
        let storage = try await Self.storage(backing)
        _ = try await storage.users.create(Self.user("alice"))
        try await storage.tokens.create(Self.refreshToken("h1", user: "alice", family: "f1"))
        try await storage.pools.create(ClientRecord(id: "client2", poolId: "us-east-1_P", name: "d", secret: nil, settings: .defaults, createdAt: 2))
        #expect(try await storage.pools.clients(poolID: "us-east-1_P").map(\.id) == ["client1", "client2"])
        try await storage.pools.deleteClient(id: "client1")
        #expect(try await storage.tokens.refreshToken(hash: "h1") == nil)
        #expect(try await storage.pools.clients(poolID: nil).map(\.id) == ["client2"])
        #expect(try await storage.hostedLogin.startSession(hash: "s1", poolID: "us-east-1_P", username: "alice", now: 1, lifetime: 10))
        #expect(try await !storage.hostedLogin.startSession(hash: "s2", poolID: "us-east-1_P", username: "nobody", now: 1, lifetime: 10))
        try await storage.pools.deletePool(id: "us-east-1_P")
        #expect(try await storage.pools.pool(id: "us-east-1_P") == nil)
        #expect(try await storage.users.user(poolID: "us-east-1_P", name: "alice") == nil)
        #expect(try await storage.pools.clients(poolID: nil).isEmpty)
        #expect(try await storage.hostedLogin.session(hash: "s1") == nil)
    }
}

extension CodeRedemption: Equatable {
    static func == (left: CodeRedemption, right: CodeRedemption) -> Bool {
        switch (left, right) {
        case (.first(let a), .first(let b)): a.codeHash == b.codeHash
        case (.reused(let a), .reused(let b)): a == b
        default: false
        }
    }
}
