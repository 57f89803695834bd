/// A pool's threat protection settings for one app client or for all (`ALL`)
/// (SetRiskConfiguration). Its member names are Cognito's, so the API decodes it as it is.
public struct RiskConfiguration: Codable, Sendable, Equatable {
    /// What to do with sign-ins whose password is known to be compromised.
    public var compromisedCredentialsRiskConfiguration: CompromisedCredentials?
    /// What to do at each risk of account takeover, and the notification emails.
    public var accountTakeoverRiskConfiguration: AccountTakeover?
    /// Addresses always blocked, and addresses never assessed.
    public var riskExceptionConfiguration: RiskExceptions?
    /// When it was last set (seconds since 1970).
    public var lastModifiedDate: Double?

    /// `CompromisedCredentialsRiskConfigurationType`.
    public struct CompromisedCredentials: Codable, Sendable, Equatable {
        /// `SIGN_IN`, `PASSWORD_CHANGE`, `SIGN_UP`.
        public var eventFilter: [String]?
        /// `{"EventAction": "BLOCK" | "NO_ACTION"}`.
        public var actions: Action

        /// `CompromisedCredentialsActionsType`.
        public struct Action: Codable, Sendable, Equatable {
            /// `BLOCK` or `NO_ACTION`.
            public var eventAction: String
        }
    }

    /// `AccountTakeoverRiskConfigurationType`.
    public struct AccountTakeover: Codable, Sendable, Equatable {
        /// Who the emails come from and what they say.
        public var notifyConfiguration: Notify?
        /// The action at each risk level.
        public var actions: Actions

        /// `AccountTakeoverActionsType`.
        public struct Actions: Codable, Sendable, Equatable {
            /// At low risk.
            public var lowAction: Action?
            /// At medium risk.
            public var mediumAction: Action?
            /// At high risk.
            public var highAction: Action?
        }

        /// `AccountTakeoverActionType`.
        public struct Action: Codable, Sendable, Equatable {
            /// Whether the user is emailed.
            public var notify: Bool
            /// `BLOCK`, `MFA_IF_CONFIGURED`, `MFA_REQUIRED` or `NO_ACTION`.
            public var eventAction: String
        }
    }

    /// `NotifyConfigurationType`.
    public struct Notify: Codable, Sendable, Equatable {
        /// The sender address.
        public var from: String?
        /// The reply-to address.
        public var replyTo: String?
        /// The SES identity that sends (an ARN).
        public var sourceArn: String
        /// The email of a blocked sign-in.
        public var blockEmail: Email?
        /// The email of an allowed risky sign-in.
        public var noActionEmail: Email?
        /// The email of a sign-in that asked for MFA.
        public var mfaEmail: Email?

        /// `NotifyEmailType`.
        public struct Email: Codable, Sendable, Equatable {
            /// The subject.
            public var subject: String
            /// The HTML body.
            public var htmlBody: String?
            /// The text body.
            public var textBody: String?
        }
    }

    /// `RiskExceptionConfigurationType`: CIDR ranges.
    public struct RiskExceptions: Codable, Sendable, Equatable {
        /// Sign-ins from these are always blocked (with `ENFORCED` threat protection).
        public var blockedIPRangeList: [String]?
        /// Sign-ins from these are never assessed.
        public var skippedIPRangeList: [String]?
    }

    /// Whether nothing is configured (setting nothing removes a configuration).
    var isEmpty: Bool {
        compromisedCredentialsRiskConfiguration == nil && accountTakeoverRiskConfiguration == nil && riskExceptionConfiguration == nil
    }
}

/// Cognito's constraints on a risk configuration.
enum RiskRules {
    static let eventFilters: Set<String> = ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"]
    static let takeoverActions: Set<String> = ["BLOCK", "MFA_IF_CONFIGURED", "MFA_REQUIRED", "NO_ACTION"]

    static func check(_ configuration: RiskConfiguration) throws(LocalPoolError) {
        if let compromised = configuration.compromisedCredentialsRiskConfiguration {
            guard ["BLOCK", "NO_ACTION"].contains(compromised.actions.eventAction) else {
                throw .invalidParameter("CompromisedCredentialsRiskConfiguration.Actions.EventAction must be BLOCK or NO_ACTION.")
            }
            guard (compromised.eventFilter ?? []).allSatisfy(eventFilters.contains) else {
                throw .invalidParameter("EventFilter members must be SIGN_IN, PASSWORD_CHANGE or SIGN_UP.")
            }
        }
        if let takeover = configuration.accountTakeoverRiskConfiguration {
            let actions = [takeover.actions.lowAction, takeover.actions.mediumAction, takeover.actions.highAction].compactMap { $0 }
            guard actions.allSatisfy({ takeoverActions.contains($0.eventAction) }) else {
                throw .invalidParameter("An account takeover EventAction must be BLOCK, MFA_IF_CONFIGURED, MFA_REQUIRED or NO_ACTION.")
            }
            if let notify = takeover.notifyConfiguration { try check(notify) }
            if actions.contains(where: \.notify), takeover.notifyConfiguration == nil {
                throw .invalidParameter("NotifyConfiguration is required when an action notifies.")
            }
        }
        if let exceptions = configuration.riskExceptionConfiguration {
            for (name, ranges) in [("BlockedIPRangeList", exceptions.blockedIPRangeList), ("SkippedIPRangeList", exceptions.skippedIPRangeList)] {
                guard let ranges else { continue }
                guard ranges.count <= 200 else { throw .invalidParameter("\(name) must have at most 200 ranges.") }
                for range in ranges where IPRange(range) == nil {
                    throw .invalidParameter("\(name) has an invalid CIDR range: \(range.prefix(50))")
                }
            }
        }
    }

    private static func check(_ notify: RiskConfiguration.Notify) throws(LocalPoolError) {
        guard notify.sourceArn.hasPrefix("arn:"), (20...2048).contains(notify.sourceArn.count) else {
            throw .invalidParameter("NotifyConfiguration.SourceArn must be the ARN of an SES identity.")
        }
        for email in [notify.blockEmail, notify.noActionEmail, notify.mfaEmail].compactMap({ $0 }) {
            guard (1...140).contains(email.subject.count) else { throw .invalidParameter("An email Subject must be 1 to 140 characters.") }
            for body in [email.htmlBody, email.textBody].compactMap({ $0 }) where !(6...20000).contains(body.count) {
                throw .invalidParameter("An email body must be 6 to 20000 characters.")
            }
        }
    }
}
