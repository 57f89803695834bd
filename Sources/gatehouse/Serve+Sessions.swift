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
