public import GatehouseAWS
import GatehouseCore
public import GatehouseSessions
public import Logging

/// Where a process keeps what cookie sessions need: a data directory of its own (`gatehouse
/// serve`), or nothing of its own (a Lambda instance, which shares everything with its siblings).
public enum SessionHome: Sendable {
    /// `serve`: the store defaults to SQLite in the folder, the key to its `session-key` file.
    case dataDirectory(any SessionDataDirectory)
    /// Lambda: the store must be DynamoDB and the keys must be given (`GATEHOUSE_SESSION_KEYS`).
    case sharedOnly
}

/// What a data directory offers cookie sessions. `gatehouse serve` provides it (SQLite and the
/// key file); the composition only names it, so the Lambda bootstrap links neither SQLite nor
/// full Foundation.
public protocol SessionDataDirectory: Sendable {
    /// The path of the SQLite store used when `GATEHOUSE_SESSION_STORE` is not set.
    var defaultSQLitePath: String { get }
    /// Opens the SQLite session store at `path`.
    func openSQLiteStore(path: String) throws -> any SessionStore
    /// The sealing key text of the directory's `session-key` file, made on first use.
    func sessionKeyText(logger: Logger) throws -> String
}

/// The store and keys of cookie sessions for `settings` (nil: sessions off), the one set-up of
/// `serve` and the Lambda. At `.dataDirectory` without `GATEHOUSE_SESSION_STORE` the store is
/// SQLite there, and without `GATEHOUSE_SESSION_KEYS` the key is the folder's `session-key` (made
/// on first use, mode 0600). At `.sharedOnly` memory and SQLite stores would sign users out at
/// random (each instance its own), so they stop start-up, and so do missing keys.
public func sessionSetup(
    _ settings: SessionSettings?,
    environment: [String: String],
    home: SessionHome,
    transport: any AWSTransport,
    logger: Logger
) throws -> SessionSetup? {
    guard var settings else { return nil }
    if case .dataDirectory(let folder) = home, environment.nonEmpty(SessionSettings.Variable.store) == nil, settings.store == .memory {
        settings.store = .sqlite(path: folder.defaultSQLitePath)
    }
    if case .sharedOnly = home {
        guard case .dynamodb = settings.store else {
            throw ConfigurationError(
                variable: SessionSettings.Variable.store,
                problem: "cookie sessions on Lambda need a store all instances share (dynamodb:TABLE); memory and sqlite are per instance"
            )
        }
        guard settings.keys != nil else {
            throw ConfigurationError(variable: SessionSettings.Variable.keys, problem: "not set (cookie sessions on Lambda need their sealing keys)")
        }
    }
    let store: any SessionStore
    switch settings.store {
    case .memory: store = MemorySessionStore()
    case .sqlite(let path):
        guard case .dataDirectory(let folder) = home else {
            throw ConfigurationError(variable: SessionSettings.Variable.store, problem: "sqlite needs a data directory")
        }
        store = try folder.openSQLiteStore(path: path)
    case .dynamodb(let table):
        store = DynamoDBSessionStore(dynamoDB: try DynamoDB(environment: environment, transport: transport), table: table, logger: logger)
    }
    let keys: SessionKeys
    do {
        switch (settings.keys, home) {
        case (let text?, _): keys = try SessionKeys(parsing: text)
        case (nil, .dataDirectory(let folder)): keys = try SessionKeys(parsing: try folder.sessionKeyText(logger: logger))
        case (nil, .sharedOnly): throw ConfigurationError(variable: SessionSettings.Variable.keys, problem: "not set")
        }
    } catch let error as ConfigurationError {
        throw error
    } catch {
        throw ConfigurationError(variable: SessionSettings.Variable.keys, problem: "\(error)")
    }
    return SessionSetup(settings: settings, keys: keys, store: store)
}
