import CoreMetrics
import GatehouseCore
import Logging

/// Refreshing a session's tokens and moving its idle deadline.
///
/// One refresh grant per session at a time, across every instance that shares the store: in
/// this process ``RefreshFlights`` joins concurrent requests; across processes the record's
/// refresh lease, taken with a version-checked replace, lets one instance run the grant while
/// the others use the current access token (still valid) or wait for the winner's write
/// (expired). A lease whose holder died lapses after ``refreshLease`` seconds.
extension SessionService {
    /// How long a refresh lease lasts: longer than a grant with its retries may take (the
    /// OAuth client's deadline is 5 s).
    static let refreshLease: Double = 10

    func refreshed(_ id: String, force: Bool = false, logger: Logger) async throws(GatehouseError) -> ActiveSession {
        do {
            return try await flights.run(id: id) { try await refreshNow(id, force: force, logger: logger) }
        } catch let error as GatehouseError {
            throw error
        } catch {
            throw GatehouseError(.internalError, logDetail: "refresh: \(error)")
        }
    }

    /// Re-reads the record (another request or instance may have refreshed it already), takes
    /// the refresh lease, runs the grant and writes the new tokens.
    func refreshNow(_ id: String, force: Bool, logger: Logger) async throws(GatehouseError) -> ActiveSession {
        var waitedFor: Int?
        for _ in 0..<20 {
            let now = clock.now()
            let current = try await reread(id, now: now, detail: "session gone before refresh")
            // The instance this request waited for has written: its tokens, unless its grant failed.
            if let waitedFor, current.record.version != waitedFor, current.record.refreshLeaseUntil <= now,
                now < current.tokens.accessExpiresAt
            {
                return current
            }
            if !force && !refreshIsDue(current.tokens, now: now) { return current }
            if current.record.refreshLeaseUntil > now {
                // Another instance is running the grant. Its current token still works: use it.
                if !force && now < current.tokens.accessExpiresAt { return current }
                waitedFor = current.record.version
                try await awaitChange(of: current.record, logger: logger)
                continue
            }
            var claimed = current.record
            claimed.version += 1
            claimed.refreshLeaseUntil = now + Self.refreshLease
            if try await replace(claimed, expectedVersion: current.record.version) {
                return try await grant(claimed, tokens: current.tokens, logger: logger)
            }
            // Someone wrote first (a touch, a refresh, a logout): look again.
        }
        throw GatehouseError(
            .serviceUnavailable,
            message: "Sessions are unavailable. Try again shortly.",
            retryAfter: 1,
            logDetail: "refresh: the record kept changing"
        )
    }

    /// Runs the refresh grant under the lease of `claimed` and writes its tokens (lease
    /// released). A refused refresh token ends the session; an unreachable IdP gives the lease back.
    private func grant(_ claimed: SessionRecord, tokens: SessionTokens, logger: Logger) async throws(GatehouseError) -> ActiveSession {
        let granted: GrantedTokens
        do {
            granted = try await oauth.refresh(tokens.refreshToken, logger: logger)
        } catch {
            if case .refused(let code) = error {
                // The IdP refused the refresh token: the session ends with it (the BCP's rule).
                try? await store.delete(id: claimed.id)
                metrics.sessionsEnded.counter(["refresh_refused"]).increment()
                metrics.refreshGrants.counter(["refused"]).increment()
                throw GatehouseError(.sessionExpired, logDetail: "refresh token refused: \(code)")
            }
            metrics.refreshGrants.counter(["unavailable"]).increment()
            var released = claimed
            released.refreshLeaseUntil = 0
            released.version += 1
            _ = try? await store.replace(released, expectedVersion: claimed.version)
            throw Self.error(error, context: "refresh")
        }
        metrics.refreshGrants.counter(["success"]).increment()
        let now = clock.now()
        let renewed = SessionTokens(
            idToken: granted.idToken ?? tokens.idToken,
            accessToken: granted.accessToken,
            refreshToken: granted.refreshToken ?? tokens.refreshToken,
            accessExpiresAt: now + granted.expiresIn,
            accessIssuedAt: now
        )
        var next = claimed
        next.sealedTokens = keys.seal(renewed.encoded(), purpose: Self.tokensPurpose)
        next.accessExpiresAt = renewed.accessExpiresAt
        next.version = claimed.version + 1
        next.refreshLeaseUntil = 0
        if try await replace(next, expectedVersion: claimed.version) { return ActiveSession(record: next, tokens: renewed) }
        // The session ended meanwhile (a logout), or the lease lapsed and another instance took it.
        return try await reread(claimed.id, now: now, detail: "session ended during refresh")
    }

    /// Waits until the record changes from `record`'s version or its lease lapses, reading it
    /// again with growing pauses (50 ms to 400 ms).
    private func awaitChange(of record: SessionRecord, logger: Logger) async throws(GatehouseError) {
        var pause = 0.05
        while clock.now() < record.refreshLeaseUntil {
            do {
                try await Task.sleep(for: .seconds(pause))
            } catch {
                throw GatehouseError(.serviceUnavailable, message: "Sessions are unavailable. Try again shortly.", retryAfter: 1)
            }
            pause = min(pause * 2, 0.4)
            let latest: SessionRecord?
            do {
                latest = try await store.read(id: record.id, now: clock.now())
            } catch {
                throw Self.error(error)
            }
            guard let latest, latest.version == record.version else { return }
        }
        logger.notice("gatehouse.session.refresh_lease_lapsed")
    }

    private func reread(_ id: String, now: Double, detail: String) async throws(GatehouseError) -> ActiveSession {
        let record: SessionRecord?
        do {
            record = try await store.read(id: id, now: now)
        } catch {
            throw Self.error(error)
        }
        guard let record, let tokens = open(record) else { throw GatehouseError(.sessionExpired, logDetail: detail) }
        return ActiveSession(record: record, tokens: tokens)
    }

    private func replace(_ record: SessionRecord, expectedVersion: Int) async throws(GatehouseError) -> Bool {
        do {
            return try await store.replace(record, expectedVersion: expectedVersion)
        } catch {
            throw Self.error(error)
        }
    }

    /// Moves the idle deadline on, at most once per minute (or per tenth of the idle timeout),
    /// and once more when it reaches the absolute deadline; never while a refresh holds the
    /// lease (its write names the version it took).
    func touched(_ session: ActiveSession, now: Double, logger: Logger) async -> ActiveSession {
        let interval = min(60, settings.idleTimeout / 10)
        let deadline = min(now + settings.idleTimeout, session.record.absoluteExpiresAt)
        let gain = deadline - session.record.idleExpiresAt
        guard session.record.refreshLeaseUntil <= now,
            gain >= interval || (gain > 0 && deadline == session.record.absoluteExpiresAt)
        else { return session }
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
