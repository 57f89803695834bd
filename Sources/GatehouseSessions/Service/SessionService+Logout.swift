import CoreMetrics
public import GatehouseCore
public import Logging

/// Ending sessions: this browser's (``logout(cookie:logger:)``), or every session of its user on
/// every instance and at the IdP (``logoutEverywhere(cookie:logger:)``).
extension SessionService {
    /// Ends the session of `cookie`: revokes its refresh token at the IdP, deletes it. Returns
    /// Cognito's logout URL for the browser. Without a session, only the URL.
    public func logout(cookie: String?, logger: Logger) async throws(GatehouseError) -> String {
        if let cookie, Self.isWellFormed(cookie) {
            let id = SessionRecord.id(forCookie: cookie)
            let record: SessionRecord?
            do {
                record = try await store.read(id: id, now: clock.now())
            } catch {
                throw Self.error(error)
            }
            if let record, let tokens = open(record) {
                do {
                    try await oauth.revoke(tokens.refreshToken, logger: logger)
                } catch {
                    // The session ends here anyway; the refresh token dies with its lifetime.
                    logger.warning("gatehouse.session.revoke_failed", metadata: ["gatehouse.error": "\(error)"])
                }
            }
            do {
                try await store.delete(id: id)
            } catch {
                throw Self.error(error)
            }
            if let record {
                metrics.sessionsEnded.counter(["logout"]).increment()
                logger.info("gatehouse.session.logged_out", metadata: ["gatehouse.session.sub": "\(record.subject)"])
            }
        }
        return logoutURL
    }

    /// Ends every session of the user of `cookie`, on every instance (they share the store),
    /// and signs the user out at the IdP (every refresh token revoked, access tokens refused by
    /// the IdP and by the revocation check): with the server's own authority
    /// (`AdminUserGlobalSignOut`, or the local pool in-process) when there is one, else with the
    /// session's access token (`GlobalSignOut`) when the scopes asked for include the admin
    /// scope. Returns Cognito's logout URL and how many sessions ended.
    ///
    /// - Throws: 401 when there is no live session; 503, with nothing ended, when the IdP
    ///   cannot be reached (retrying is safe).
    public func logoutEverywhere(cookie: String, logger: Logger) async throws(GatehouseError) -> (logoutURL: String, ended: Int) {
        let session = try await active(cookie: cookie, logger: logger)
        do {
            try await signOutAtIdP(session, logger: logger)
        } catch  where error.code == .unavailable || error.code == .throttled {
            throw GatehouseError(
                .serviceUnavailable,
                message: "The sign-in service is unavailable. Try again shortly.",
                retryAfter: error.retryAfter ?? 5,
                logDetail: "global sign-out: \(error)"
            )
        } catch {
            // Refused (no permission, no scope) or no way to ask: the sessions still end here,
            // and this session's refresh token is revoked.
            logger.warning("gatehouse.session.global_sign_out_refused", metadata: ["gatehouse.error": "\(error)"])
            try? await oauth.revoke(session.tokens.refreshToken, logger: logger)
        }
        let ended: Int
        do {
            ended = try await store.deleteAll(subject: session.record.subject)
            // The index may lag a moment behind a write: this session goes by its key in any case.
            try await store.delete(id: session.record.id)
        } catch {
            throw Self.error(error)
        }
        metrics.sessionsEnded.counter(["logout_everywhere"]).increment(by: max(ended, 1))
        logger.info(
            "gatehouse.session.logged_out_everywhere",
            metadata: ["gatehouse.session.sub": "\(session.record.subject)", "gatehouse.sessions": "\(ended)"]
        )
        return (logoutURL, max(ended, 1))
    }

    /// Signs the session's user out everywhere at the IdP: the server's authority first, the
    /// session's token when its scopes allow and the server has none (or was refused).
    private func signOutAtIdP(_ session: ActiveSession, logger: Logger) async throws(DirectoryError) {
        var refusal = DirectoryError(.misconfigured, detail: "no way to sign out at the IdP: no admin credentials, no admin scope")
        if let signOut {
            do {
                return try await signOut.signOutEverywhere(username: session.record.username, logger: logger)
            } catch  where error.code == .misconfigured {
                refusal = error
            }
        }
        guard let authority, settings.scopes.contains(RevocationCheck.requiredScope) else { throw refusal }
        try await authority.globalSignOut(accessToken: session.tokens.accessToken, logger: logger)
    }

    /// Cognito's logout URL for this client.
    var logoutURL: String {
        settings.endpoints.logout + "?" + URLEncoding.form([("client_id", settings.clientID), ("logout_uri", settings.logoutURI)])
    }
}
