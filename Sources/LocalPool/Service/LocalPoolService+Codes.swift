import Foundation
import GRDB
import GatehouseCore
import Logging

/// One-time codes: "sent" (to the log, and kept for `gatehouse users codes`), checked once, and
/// withdrawn after five wrong tries.
extension LocalPoolService {
    /// Where Cognito says a code went: `CodeDeliveryDetailsType`.
    public struct CodeDelivery: Sendable, Equatable {
        /// The masked address (`a***@e***`).
        public let destination: String
        /// `EMAIL`.
        public let medium: String
        /// `email`.
        public let attributeName: String
    }

    /// How long codes live, in seconds: a day to confirm a sign-up, an hour for the others.
    static func codeLifetime(_ purpose: CodePurpose) -> Double {
        purpose == .signUp ? 86_400 : 3_600
    }

    static let maximumCodeAttempts = 5

    /// A new code for `purpose`, replacing any earlier one; where it "went", when the user has an email.
    @discardableResult
    func sendCode(to user: UserRecord, purpose: CodePurpose) async throws(LocalPoolError) -> CodeDelivery? {
        let now = clock.now()
        var generator = SystemRandomNumberGenerator()
        let code = String(format: "%06d", Int(generator.next(upperBound: UInt64(1_000_000))))
        let record = UserCodeRecord(
            poolId: user.poolId,
            username: user.username,
            purpose: purpose,
            code: code,
            createdAt: now,
            expiresAt: now + Self.codeLifetime(purpose),
            failedAttempts: 0
        )
        try await write { db in try record.save(db) }
        // The pool's stand-in for mail, as the issue of codes asks: the code goes to the log.
        logger.notice(
            "gatehouse.pool.code_sent",
            metadata: [
                "gatehouse.pool.username": "\(user.username)", "gatehouse.pool.purpose": "\(purpose.rawValue)", "gatehouse.pool.code": "\(code)",
            ]
        )
        return user.attribute("email").map { CodeDelivery(destination: Self.masked(email: $0), medium: "EMAIL", attributeName: "email") }
    }

    /// Uses up `user`'s code for `purpose` when `code` is it; otherwise counts a wrong try.
    func consumeCode(of user: UserRecord, purpose: CodePurpose, code: String) async throws(LocalPoolError) {
        enum Outcome: Sendable { case accepted, expired, mismatch, withdrawn }
        let now = clock.now()
        let (poolID, username) = (user.poolId, user.username)
        let outcome = try await write { db -> Outcome in
            let key: [String: (any DatabaseValueConvertible)?] = ["poolId": poolID, "username": username, "purpose": purpose.rawValue]
            guard var stored = try UserCodeRecord.fetchOne(db, key: key), stored.expiresAt > now else { return .expired }
            if ConstantTime.equals(stored.code, code) {
                _ = try UserCodeRecord.deleteOne(db, key: key)
                return .accepted
            }
            stored.failedAttempts += 1
            if stored.failedAttempts >= Self.maximumCodeAttempts {
                _ = try UserCodeRecord.deleteOne(db, key: key)
                return .withdrawn
            }
            try stored.update(db)
            return .mismatch
        }
        switch outcome {
        case .accepted: return
        case .expired: throw LocalPoolError(.expiredCode, "Invalid code provided, please request a code again.")
        case .mismatch: throw LocalPoolError(.codeMismatch, "Invalid verification code provided, please try again.")
        case .withdrawn: throw LocalPoolError(.limitExceeded, "Attempt limit exceeded, please try after some time.")
        }
    }

    /// The live codes of `username`, newest first (for `gatehouse users codes`).
    public func liveCodes(poolID: String, username: String) async throws(LocalPoolError) -> [UserCodeRecord] {
        let user = try await self.user(poolID: poolID, username: username)
        let now = clock.now()
        return try await read { db in
            try UserCodeRecord.filter(Column("poolId") == poolID && Column("username") == user.username && Column("expiresAt") > now)
                .order(Column("createdAt").desc).fetchAll(db)
        }
    }

    /// `alice@example.com` → `a***@e***`, as Cognito shows destinations.
    static func masked(email: String) -> String {
        let parts = email.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return "***" }
        return "\(parts[0].prefix(1))***@\(parts[1].prefix(1))***"
    }
}
