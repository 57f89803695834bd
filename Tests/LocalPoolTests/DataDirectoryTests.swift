import Foundation
import LocalPool
import Logging
import Testing

/// The data directory holds private signing keys and client secrets: owner-only, always.
struct DataDirectoryTests {
    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func temporary() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-perm-\(UUID().uuidString)")
    }

    @Test func aNewDirectoryAndItsDatabaseAreOwnerOnly() async throws {
        let directory = temporary()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try PoolDatabase(directory: directory)
        let service = LocalPoolService(database: database, baseURL: "http://127.0.0.1:9229", logger: .init(label: "test"))
        _ = try await service.pools.createPool(name: "p")  // writes keys, so the WAL files exist
        #expect(try Self.mode(directory.path) == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.contains("pool.sqlite3") && files.contains("pool.sqlite3-wal") && files.contains("pool.sqlite3-shm"))
        for file in files {
            #expect(try Self.mode(directory.appendingPathComponent(file).path) == 0o600, "\(file)")
        }
        #expect(database.narrowedPermissions.isEmpty)
    }

    @Test func anExistingOpenDirectoryIsNarrowedAndReported() async throws {
        let directory = temporary()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let first = try PoolDatabase(directory: directory)
        let service = LocalPoolService(database: first, baseURL: "http://127.0.0.1:9229", logger: .init(label: "test"))
        _ = try await service.pools.createPool(name: "p")
        let manager = FileManager.default
        for file in ["pool.sqlite3", "pool.sqlite3-wal", "pool.sqlite3-shm"] {
            try manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory.appendingPathComponent(file).path)
        }
        try Data("{}".utf8).write(to: directory.appendingPathComponent("demo-user.json"))
        try manager.setAttributes([.posixPermissions: 0o666], ofItemAtPath: directory.appendingPathComponent("demo-user.json").path)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)

        let reopened = try PoolDatabase(directory: directory)
        #expect(try Self.mode(directory.path) == 0o700)
        for file in try manager.contentsOfDirectory(atPath: directory.path) {
            #expect(try Self.mode(directory.appendingPathComponent(file).path) == 0o600, "\(file)")
        }
        #expect(reopened.narrowedPermissions.contains(directory.path))
        #expect(reopened.narrowedPermissions.contains(directory.appendingPathComponent("demo-user.json").path))
    }

    @Test func symbolicLinksInTheDirectoryAreNotFollowed() throws {
        let directory = temporary()
        let outside = temporary()
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: outside)
        }
        try Data("x".utf8).write(to: outside)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: outside.path)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("link"), withDestinationURL: outside)
        _ = try PoolDatabase(directory: directory)
        #expect(try Self.mode(outside.path) == 0o644)
    }
}
