import CoreMetrics
import GatehouseCore
import Logging

/// Refreshing a session's tokens (one grant per session at a time, the version-checked write,
/// the winner's tokens for the loser) and moving its idle deadline.
extension SessionService {
    func refreshed(_ id: String, force: Bool = false, logger: Logger) async throws(GatehouseError) -> ActiveSession {
        do {
            return try await flights.run(id: id) { try await refreshNow(id, force: force, logger: logger) }
        } catch let error as GatehouseError {
            throw error
        } catch {
            throw GatehouseError(.internalError, logDetail: "refresh: \(error)")
        }
    }

    /// Re-reads the record (another request or instance may have refreshed it already), runs
    /// the refresh grant, and replaces the record if nobody else did meanwhile.
    func refreshNow(_ id: String, force: Bool, logger: Logger) async throws(GatehouseError) -> ActiveSession {
        let now = clock.now()
        let record: SessionRecord?
        do {
            record = try await store.read(id: id, now: now)
        } catch {
            throw Self.error(error)
        }
        guard let record, let tokens = open(record) else { throw GatehouseError(.sessionExpired, logDetail: "session gone before refresh") }
        if !force && !refreshIsDue(tokens, now: now) { return ActiveSession(record: record, tokens: tokens) }
        let granted: GrantedTokens
        do {
            granted = try await oauth.refresh(tokens.refreshToken, logger: logger)
        } catch {
            if case .refused(let code) = error {
                // The IdP refused the refresh token: the session ends with it (the BCP's rule).
                try? await store.delete(id: id)
                GatehouseMetrics.sessionsEnded.counter(["refresh_refused"]).increment()
                GatehouseMetrics.refreshGrants.counter(["refused"]).increment()
                throw GatehouseError(.sessionExpired, logDetail: "refresh token refused: \(code)")
            }
            GatehouseMetrics.refreshGrants.counter(["unavailable"]).increment()
            throw Self.error(error, context: "refresh")
        }
        GatehouseMetrics.refreshGrants.counter(["success"]).increment()
        let renewed = SessionTokens(
            idToken: granted.idToken ?? tokens.idToken,
            accessToken: granted.accessToken,
            refreshToken: granted.refreshToken ?? tokens.refreshToken,
            accessExpiresAt: now + granted.expiresIn,
            accessIssuedAt: now
        )
        var next = record
        next.sealedTokens = keys.seal(renewed.encoded(), purpose: Self.tokensPurpose)
        next.accessExpiresAt = renewed.accessExpiresAt
        next.version = record.version + 1
        let replaced: Bool
        do {
            replaced = try await store.replace(next, expectedVersion: record.version)
        } catch {
            throw Self.error(error)
        }
        if replaced { return ActiveSession(record: next, tokens: renewed) }
        // Another instance refreshed (or ended) the session meanwhile: theirs wins.
        let winner: SessionRecord?
        do {
            winner = try await store.read(id: id, now: now)
        } catch {
            throw Self.error(error)
        }
        guard let winner, let winnerTokens = open(winner) else { throw GatehouseError(.sessionExpired, logDetail: "session ended during refresh") }
        return ActiveSession(record: winner, tokens: winnerTokens)
    }

    /// Moves the idle deadline on, at most once per minute (or per tenth of the idle timeout),
    /// and once more when it reaches the absolute deadline.
    func touched(_ session: ActiveSession, now: Double, logger: Logger) async -> ActiveSession {
        let interval = min(60, settings.idleTimeout / 10)
        let deadline = min(now + settings.idleTimeout, session.record.absoluteExpiresAt)
        let gain = deadline - session.record.idleExpiresAt
        guard gain >= interval || (gain > 0 && deadline == session.record.absoluteExpiresAt) else { return session }
        var next = session.record
        next.idleExpiresAt = deadline
        next.version += 1
        do {
            if try await store.replace(next, expectedVersion: session.record.version) {
                return ActiveSession(record: next, tokens: session.tokens)
            }
        } catch {
            logger.warning("gatehouse.session.touch_failed", metadata: ["gatehouse.error": "\(error)"])
        }
        return session
    }
}
