import AsyncHTTPClient
import Foundation
import GatehouseAWS
import GatehouseComposition
import GatehouseCore
import GatehouseSessions
import GatehouseSessionsSQLite
import LocalPool
import Logging
import ServiceLifecycle

extension Serve {
    /// The session flags, written over their environment variables (flags win).
    func applySessionFlags(to environment: inout [String: String]) {
        let flags: [(String?, String)] = [
            (oauthDomain, SessionSettings.Variable.domain),
            (oauthClientID, SessionSettings.Variable.clientID),
            (oauthRedirectURI, SessionSettings.Variable.redirectURI),
            (oauthLogoutURI, SessionSettings.Variable.logoutURI),
            (sessionStore, SessionSettings.Variable.store),
        ]
        for case let (value?, name) in flags { environment[name] = value }
    }
}

/// `serve`'s data directory for cookie sessions: `sessions.sqlite3` and the `session-key` file.
struct ServeDataDirectory: SessionDataDirectory {
    let folder: URL

    var defaultSQLitePath: String { folder.appendingPathComponent("sessions.sqlite3").path }

    func openSQLiteStore(path: String) throws -> any SessionStore { try SQLiteSessionStore(path: path) }

    /// The key in `folder/session-key`, made on first use. The folder is made private with
    /// ``PrivateDirectory`` (0700, its files 0600, narrowing said in the log) before the key is
    /// read or written, and the file is created 0600 before anything is written to it.
    func sessionKeyText(logger: Logger) throws -> String {
        for path in try PrivateDirectory.secure(folder) {
            logger.warning("gatehouse.pool.permissions_narrowed", metadata: ["gatehouse.path": "\(path)"])
        }
        let file = folder.appendingPathComponent("session-key")
        try PrivateDirectory.createPrivateFile(file)
        var text = String(decoding: try Data(contentsOf: file), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            text = SessionKeys.generateKeyText()
            try Data((text + "\n").utf8).write(to: file)
        }
        return text
    }
}

/// Deletes expired sessions every few minutes (reads never return them; this frees the space).
struct SessionSweeper: Service {
    let store: any SessionStore
    let logger: Logger
    var interval: Duration = .seconds(300)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                let swept = try await store.sweep(now: Date().timeIntervalSince1970)
                if swept > 0 { logger.debug("gatehouse.session.swept", metadata: ["gatehouse.sessions": "\(swept)"]) }
            } catch {
                logger.warning("gatehouse.session.sweep_failed", metadata: ["gatehouse.error": "\(error)"])
            }
        }
    }
}
