import GatehouseCore
import Logging

/// Threat protection (Cognito's advanced security): the risk configurations, and, while the
/// pool's `AdvancedSecurityMode` is `AUDIT` or `ENFORCED`, a record of each user's sign-ins.
/// This pool assesses no risk of its own (no reputation data, no leaked-password lists): every
/// sign-in is `NoRisk`, except that with `ENFORCED` an address in the configuration's
/// `BlockedIPRangeList` is refused, as Cognito refuses it.
public struct ThreatProtection: Sendable {
    let context: PoolContext
    let pools: PoolAdministration

    /// What Cognito answers a blocked sign-in.
    static let blockedMessage = "Unable to login because of security reasons."

    /// A sign-in as threat protection sees it.
    public struct Attempt: Sendable {
        /// The client signed in through.
        public let client: ClientRecord
        /// The name given (a username, an alias or a `sub`).
        public let username: String
        /// The address it came from, when known.
        public let ipAddress: String?

        /// An attempt.
        public init(client: ClientRecord, username: String, ipAddress: String?) {
            self.client = client
            self.username = username
            self.ipAddress = ipAddress
        }
    }

    /// SetRiskConfiguration: the configuration of `clientID` (nil: of every client without its
    /// own); one with nothing set removes it. Needs threat protection on.
    public func setRiskConfiguration(
        poolID: String,
        clientID: String?,
        _ configuration: RiskConfiguration
    ) async throws(LocalPoolError) -> RiskConfiguration? {
        try await requireAddOn(poolID)
        if let clientID { _ = try await pools.client(clientID, poolID: poolID) }
        try RiskRules.check(configuration)
        var stored = configuration
        stored.lastModifiedDate = context.clock.now()
        let key = clientID ?? UICustomizationRules.allClients
        let pool = try await pools.change(poolID) { pool in
            var all = pool.riskConfigurations ?? [:]
            all[key] = configuration.isEmpty ? nil : stored
            pool.riskConfigurations = all.isEmpty ? nil : all
        }
        return pool.riskConfigurations?[key]
    }

    /// DescribeRiskConfiguration: the configuration `clientID` gets (its own, else the pool's),
    /// with the client it is of (nil: the pool's).
    public func riskConfiguration(poolID: String, clientID: String?) async throws(LocalPoolError) -> (clientID: String?, RiskConfiguration?) {
        let pool = try await requireAddOn(poolID)
        if let clientID {
            _ = try await pools.client(clientID, poolID: poolID)
            if let own = pool.riskConfigurations?[clientID] { return (clientID, own) }
        }
        return (nil, pool.riskConfigurations?[UICustomizationRules.allClients])
    }

    /// Before a sign-in: with `ENFORCED` threat protection, an address the configuration blocks
    /// is refused (and the refusal recorded), unless it is also in the skipped ranges.
    public func screen(_ attempt: Attempt) async throws(LocalPoolError) {
        guard let pool = try? await pools.pool(attempt.client.poolId), pool.advancedSecurityMode == "ENFORCED",
            let address = attempt.ipAddress
        else { return }
        let configuration = pool.riskConfigurations?[attempt.client.id] ?? pool.riskConfigurations?[UICustomizationRules.allClients]
        guard let exceptions = configuration?.riskExceptionConfiguration,
            (exceptions.blockedIPRangeList ?? []).contains(where: { IPRange($0)?.contains(address) == true }),
            !(exceptions.skippedIPRangeList ?? []).contains(where: { IPRange($0)?.contains(address) == true })
        else { return }
        let notify = configuration?.accountTakeoverRiskConfiguration?.notifyConfiguration?.blockEmail
        await record(attempt, passed: false, challenges: [], decision: "Block", notify: notify?.subject)
        throw .notAuthorized(Self.blockedMessage)
    }

    /// After a sign-in (or one of its steps) ended: recorded while threat protection is on and
    /// the user exists.
    public func record(_ attempt: Attempt, passed: Bool, challenges: [AuthEventRecord.Challenge]) async {
        await record(attempt, passed: passed, challenges: challenges, decision: "NoRisk", notify: nil)
    }

    private func record(_ attempt: Attempt, passed: Bool, challenges: [AuthEventRecord.Challenge], decision: String, notify: String?) async {
        guard let pool = try? await pools.pool(attempt.client.poolId), (pool.advancedSecurityMode ?? "OFF") != "OFF",
            InputPatterns.isUsername(attempt.username),
            let user = try? await context.storage.users.user(poolID: pool.id, name: attempt.username)
        else { return }
        let token = Identifiers.opaque(bytes: 32)
        let event = AuthEventRecord(
            eventId: Identifiers.uuid(),
            poolId: pool.id,
            username: user.username,
            eventType: "SignIn",
            response: passed ? "Pass" : "Fail",
            riskDecision: decision,
            challenges: challenges,
            clientId: attempt.client.id,
            ipAddress: attempt.ipAddress,
            createdAt: context.clock.now(),
            feedbackTokenHash: PoolContext.hash(token),
            feedback: nil
        )
        do {
            try await context.storage.authEvents.record(event)
        } catch {
            context.logger.error("gatehouse.pool.storage_error", metadata: ["gatehouse.error": "\(error)"])
            return
        }
        // The notification email goes to the log, as the codes do; its token is the user's
        // way to answer UpdateAuthEventFeedback.
        if let notify {
            context.logger.notice(
                "gatehouse.pool.risk_notification",
                metadata: [
                    "gatehouse.pool.username": "\(user.username)", "gatehouse.pool.event_id": "\(event.eventId)",
                    "gatehouse.pool.feedback_token": "\(token)", "gatehouse.pool.subject": "\(notify)",
                ]
            )
        }
    }

    /// The pool, which must have threat protection on.
    @discardableResult
    func requireAddOn(_ poolID: String) async throws(LocalPoolError) -> PoolRecord {
        let pool = try await pools.pool(poolID)
        guard let mode = pool.advancedSecurityMode, mode != "OFF" else {
            throw LocalPoolError(.userPoolAddOnNotEnabled, "Threat protection is not enabled for user pool \(poolID): set UserPoolAddOns.")
        }
        return pool
    }
}
