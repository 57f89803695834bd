public import Foundation
import GRDB

/// The local pool's state: one SQLite file (WAL) in the data directory, migrated on open.
public struct PoolDatabase: Sendable {
    /// The connection pool (one per file).
    let writer: DatabasePool
    /// Paths whose permissions opening narrowed (a folder to 0700, files to 0600): the caller
    /// says so in its log.
    public let narrowedPermissions: [String]

    /// Opens (creating if needed) `directory/pool.sqlite3` and migrates it. The folder and every
    /// file in it are made private to the owner first (see ``PrivateDirectory``).
    public init(directory: URL) throws {
        var narrowed = try PrivateDirectory.secure(directory)
        let file = directory.appendingPathComponent("pool.sqlite3")
        try PrivateDirectory.createPrivateFile(file)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        writer = try DatabasePool(path: file.path, configuration: configuration)
        try PoolMigrations.migrator.migrate(writer)
        // SQLite gives `-wal` and `-shm` the database's mode; check once more all the same.
        narrowed += try PrivateDirectory.secure(directory)
        narrowedPermissions = narrowed
    }
}
