import Foundation
import GatehouseCore
import Logging

/// Where Cognito says a code went: `CodeDeliveryDetailsType`.
public struct CodeDelivery: Sendable, Equatable {
    /// The masked address (`a***@e***`).
    public let destination: String
    /// `EMAIL`.
    public let medium: String
    /// `email`.
    public let attributeName: String
}

/// One-time codes: "sent" (to the log, and kept for `gatehouse users codes`), checked once, and
/// withdrawn after five wrong tries; limited per name and purpose across codes (``CodeLimits``).
struct Codes: Sendable {
    let context: PoolContext
    let pools: PoolAdministration

    /// How long codes live, in seconds: a day to confirm a sign-up, three minutes to sign in
    /// (the sign-in's session lasts as long), an hour for the others.
    static func lifetime(_ purpose: CodePurpose) -> Double {
        purpose == .signUp ? 86_400 : purpose.signsIn ? 180 : 3_600
    }

    /// A new code for `purpose`, replacing any earlier one, in the email `source` words (the
    /// pool's CustomMessage trigger may); where it "went", when the user has an email. Refused
    /// with `LimitExceededException` past ``CodeLimits/maximumIssued`` codes.
    @discardableResult
    func send(
        to user: UserRecord,
        purpose: CodePurpose,
        source: MessageSource,
        clientID: String? = nil,
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> CodeDelivery? {
        let message = try await Triggers(context: context).customMessage(
            pool: try await pools.pool(user.poolId),
            source: source,
            user: user,
            clientID: clientID,
            clientMetadata: clientMetadata
        )
        let now = context.clock.now()
        var generator = SystemRandomNumberGenerator()
        // Sign-in codes have eight digits (as Cognito's), the others six.
        let code =
            purpose.signsIn
            ? String(format: "%08d", Int(generator.next(upperBound: UInt64(100_000_000))))
            : String(format: "%06d", Int(generator.next(upperBound: UInt64(1_000_000))))
        let record = UserCodeRecord(
            poolId: user.poolId,
            username: user.username,
            purpose: purpose,
            code: code,
            createdAt: now,
            expiresAt: now + Self.lifetime(purpose),
            failedAttempts: 0
        )
        guard try await context.store({ try await context.storage.codes.issue(record, now: now) }) else { throw CodeLimits.exceeded }
        // The pool's stand-in for mail: the code, and the email that carries it, go to the log.
        let sent = message.filled(code: code, username: user.username)
        var metadata: Logger.Metadata = [
            "gatehouse.pool.username": "\(user.username)", "gatehouse.pool.purpose": "\(purpose.rawValue)", "gatehouse.pool.code": "\(code)",
        ]
        if purpose == .smsOTP {
            metadata["gatehouse.pool.medium"] = "SMS"
            metadata["gatehouse.pool.sms_message"] = "\(sent.sms)"
        } else {
            metadata["gatehouse.pool.medium"] = "EMAIL"
            metadata["gatehouse.pool.email_subject"] = "\(sent.subject)"
            metadata["gatehouse.pool.email_message"] = "\(sent.body)"
        }
        context.logger.notice("gatehouse.pool.code_sent", metadata: metadata)
        if purpose == .smsOTP {
            return user.attribute("phone_number").map {
                CodeDelivery(destination: Self.masked(phone: $0), medium: "SMS", attributeName: "phone_number")
            }
        }
        return user.attribute("email").map { CodeDelivery(destination: Self.masked(email: $0), medium: "EMAIL", attributeName: "email") }
    }

    /// What sending a code to a name that cannot receive one answers when existence is hidden: the
    /// same limits, counted the same way, and a made-up delivery (see ``simulatedDelivery(poolID:username:)``).
    func simulateSent(poolID: String, username: String, purpose: CodePurpose) async throws(LocalPoolError) -> CodeDelivery {
        let now = context.clock.now()
        guard try await context.store({ try await context.storage.codes.countIssued(poolID: poolID, username: username, purpose: purpose, now: now) })
        else { throw CodeLimits.exceeded }
        return try await simulatedDelivery(poolID: poolID, username: username)
    }

    /// Uses up `user`'s code for `purpose` when `code` is it; otherwise counts a wrong try,
    /// against the code (five withdraw it) and against the name across codes (see ``CodeLimits``).
    /// While the name is blocked no code is checked at all.
    func consume(of user: UserRecord, purpose: CodePurpose, code: String) async throws(LocalPoolError) {
        let now = context.clock.now()
        let check = try await context.store {
            try await context.storage.codes.consume(poolID: user.poolId, username: user.username, purpose: purpose, code: code, now: now)
        }
        switch check {
        case .accepted: return
        case .expired: throw LocalPoolError(.expiredCode, "Invalid code provided, please request a code again.")
        case .mismatch: throw LocalPoolError(.codeMismatch, "Invalid verification code provided, please try again.")
        case .withdrawn, .blocked: throw CodeLimits.exceeded
        }
    }

    /// What checking a code of a name that does not exist (or cannot use one) answers when
    /// existence is hidden: `CodeMismatchException`, counted against the name as a real wrong
    /// code is, so the limit comes at the same point.
    func refuse(poolID: String, username: String, purpose: CodePurpose) async throws(LocalPoolError) -> Never {
        let now = context.clock.now()
        let blocked = try await context.store {
            try await context.storage.codes.countFailure(poolID: poolID, username: username, purpose: purpose, now: now)
        }
        if blocked { throw CodeLimits.exceeded }
        throw LocalPoolError(.codeMismatch, "Invalid verification code provided, please try again.")
    }

    /// A made-up destination for `username`, shaped as a real one (`x***@y***`): its two letters
    /// come from a keyed hash of the name under the server's persistent key, so the same name
    /// gets the same answer every time, across restarts, and nothing tells it from a real one.
    func simulatedDelivery(poolID: String, username: String) async throws(LocalPoolError) -> CodeDelivery {
        let mac = try await context.serverMAC(poolID + "/" + username, purpose: .simulatedDelivery)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let destination = "\(letters[Int(mac[0]) % 26])***@\(letters[Int(mac[1]) % 26])***"
        return CodeDelivery(destination: destination, medium: "EMAIL", attributeName: "email")
    }

    /// `+15555550100` → `+*******0100`, as Cognito shows phone numbers.
    static func masked(phone: String) -> String {
        "+" + String(repeating: "*", count: max(0, phone.count - 5)) + phone.suffix(4)
    }

    /// `alice@example.com` → `a***@e***`, as Cognito shows destinations.
    static func masked(email: String) -> String {
        let parts = email.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return "***" }
        return "\(parts[0].prefix(1))***@\(parts[1].prefix(1))***"
    }
}
