import Foundation
import GatehouseAWS
import GatehouseSessions
import GatehouseSessionsSQLite
import Logging
import Testing

/// One list of rules, run against every store.
struct SessionStoreContractTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case memory, sqlite, dynamodb
        var testDescription: String { rawValue }
    }

    static func store(_ kind: Kind) throws -> (any SessionStore, URL?) {
        switch kind {
        case .memory, .dynamodb: return (MemorySessionStore(), nil)
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gh-store-\(UUID().uuidString)")
            return (try SQLiteSessionStore(path: folder.appendingPathComponent("sessions.sqlite3").path), folder)
        }
    }

    /// Runs `body` on a new store of `kind` (DynamoDB: a new table on a moto server of its own).
    static func withStore(_ kind: Kind, _ body: (any SessionStore) async throws -> Void) async throws {
        guard kind == .dynamodb else { return try await body(try store(kind).0) }
        try await MotoServer.with { moto in
            try await body(DynamoDBSessionStore(dynamoDB: moto.dynamoDB(), table: try await moto.sessionTable(), logger: Logger(label: "test")))
        }
    }

    static func record(
        _ id: String,
        subject: String = "sub-1",
        idle: Double = 2000,
        absolute: Double = 5000,
        version: Int = 1,
        lease: Double = 0
    ) -> SessionRecord {
        SessionRecord(
            id: id,
            subject: subject,
            username: "alice",
            sealedTokens: [1, 2, 3],
            accessExpiresAt: 1300,
            createdAt: 1000,
            idleExpiresAt: idle,
            absoluteExpiresAt: absolute,
            version: version,
            refreshLeaseUntil: lease
        )
    }

    @Test(arguments: Kind.allCases) func createReadReplaceDelete(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            try await store.create(Self.record("a"))
            #expect(try await store.read(id: "a", now: 1500) == Self.record("a"))
            #expect(try await store.read(id: "b", now: 1500) == nil)
            var next = Self.record("a", version: 2)
            next.sealedTokens = [9]
            #expect(try await store.replace(next, expectedVersion: 1))
            #expect(try await store.read(id: "a", now: 1500)?.sealedTokens == [9])
            // A writer that read version 1 loses.
            #expect(!(try await store.replace(Self.record("a", version: 2), expectedVersion: 1)))
            #expect(try await store.read(id: "a", now: 1500)?.sealedTokens == [9])
            #expect(!(try await store.replace(Self.record("gone", version: 2), expectedVersion: 1)))
            // The refresh lease is kept like every other field.
            var leased = Self.record("a", version: 3, lease: 1234.5)
            leased.sealedTokens = [9]
            #expect(try await store.replace(leased, expectedVersion: 2))
            #expect(try await store.read(id: "a", now: 1500) == leased)
            try await store.delete(id: "a")
            #expect(try await store.read(id: "a", now: 1500) == nil)
            try await store.delete(id: "a")
        }
    }

    /// The refresh lease rests on this: of writers that read the same version, one wins. (Plain
    /// moto let two win in about one round of four; the tests' moto serialises its requests.)
    @Test(arguments: Kind.allCases) func ofConcurrentReplacesFromOneVersionOneWins(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            try await store.create(Self.record("race"))
            for round in 1...10 {
                let winners = try await withThrowingTaskGroup(of: Int?.self) { group in
                    for writer in 0..<20 {
                        group.addTask {
                            var next = Self.record("race", version: round + 1)
                            next.sealedTokens = Array(repeating: UInt8(writer), count: 2048)
                            return try await store.replace(next, expectedVersion: round) ? writer : nil
                        }
                    }
                    return try await group.reduce(into: [Int]()) { if let writer = $1 { $0.append(writer) } }
                }
                #expect(winners.count == 1, "round \(round): \(winners.count) writers won")
                let stored = try await store.read(id: "race", now: 1500)
                #expect(stored?.version == round + 1)
                #expect(stored?.sealedTokens.first == winners.first.map(UInt8.init))
            }
        }
    }

    @Test(arguments: Kind.allCases) func readsRefuseExpiredRecordsAndSweepDeletesThem(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            try await store.create(Self.record("idle", idle: 2000, absolute: 5000))
            try await store.create(Self.record("old", idle: 9000, absolute: 3000))
            try await store.create(Self.record("live", idle: 9000, absolute: 9000))
            #expect(try await store.read(id: "idle", now: 1999) != nil)
            #expect(try await store.read(id: "idle", now: 2000) == nil)
            #expect(try await store.read(id: "old", now: 3000) == nil)
            if kind == .dynamodb {
                // DynamoDB's TTL deletes (lazily; moto never): the process sweeps nothing, and the
                // expired items, still there, are refused by every read.
                #expect(try await store.sweep(now: 3500) == 0)
                #expect(try await store.read(id: "idle", now: 3500) == nil)
                #expect(try await store.read(id: "idle", now: 0) != nil)
            } else {
                #expect(try await store.sweep(now: 3500) == 2)
                #expect(try await store.read(id: "idle", now: 0) == nil)
            }
            #expect(try await store.read(id: "live", now: 3500) != nil)
        }
    }

    @Test(arguments: Kind.allCases) func deleteAllOfASubject(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            for id in ["1", "2", "3"] { try await store.create(Self.record(id, subject: "alice")) }
            try await store.create(Self.record("4", subject: "bob"))
            #expect(try await store.deleteAll(subject: "alice") == 3)
            #expect(try await store.read(id: "1", now: 1500) == nil)
            #expect(try await store.read(id: "4", now: 1500) != nil)
            #expect(try await store.deleteAll(subject: "nobody") == 0)
        }
    }

    @Test func dynamoDBItemsCarryTheTTLInEpochSecondsAndRefuseADuplicateID() async throws {
        try await MotoServer.with { moto in
            let table = try await moto.sessionTable()
            let store = DynamoDBSessionStore(dynamoDB: moto.dynamoDB(), table: table, logger: Logger(label: "test"))
            try await store.create(Self.record("k", idle: 2000.25, absolute: 5000))
            let item = try await moto.dynamoDB().getItem(table: table, key: ["id": .string("k")], logger: .init(label: "test"))
            #expect(item?["expiresAt"] == .number("2001"))
            #expect(item?["idleExpiresAt"] == .number("2000.25"))
            #expect(item?["tokens"] == .binary([1, 2, 3]))
            #expect(item?["version"] == .number("1"))
            await #expect(throws: SessionStoreError.self) { try await store.create(Self.record("k")) }
            // An item that is not a session (written by something else) reads as none.
            try await moto.dynamoDB().putItem(table: table, item: ["id": .string("odd"), "subject": .string("s")], logger: .init(label: "test"))
            #expect(try await store.read(id: "odd", now: 1500) == nil)
        }
    }

    @Test func aMissingTableIsAStoreError() async throws {
        try await MotoServer.with { moto in
            let store = DynamoDBSessionStore(
                dynamoDB: moto.dynamoDB(retryPolicy: RetryPolicy(maximumAttempts: 1)),
                table: "no-such-table",
                logger: Logger(label: "test")
            )
            await #expect(throws: SessionStoreError.self) { try await store.read(id: "a", now: 0) }
        }
    }

    @Test func sqliteKeepsSessionsAcrossReopeningInAPrivateFile() async throws {
        let (store, folder) = try Self.store(.sqlite)
        let path = folder!.appendingPathComponent("sessions.sqlite3").path
        try await store.create(Self.record("kept"))
        let reopened = try SQLiteSessionStore(path: path)
        #expect(try await reopened.read(id: "kept", now: 1500) == Self.record("kept"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder!.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        // A file left world-readable is narrowed when opened.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        _ = try SQLiteSessionStore(path: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }
}
