import Foundation

/// Codes issued and wrong codes tried for one name and purpose in the current window.
struct CodeThrottleRecord: Codable, Sendable {
    var poolId: String
    var username: String
    var purpose: String
    var windowStart: Double
    var issued: Int
    var failures: Int
    var blockedUntil: Double
}

/// The lockout counter of a name that does not exist.
struct PhantomLockoutRecord: Codable, Sendable {
    var poolId: String
    var username: String
    var failures: Int
    var lockedUntil: Double
    var lastAttempt: Double
}

/// A secret this server keeps across restarts.
struct ServerSecretRecord: Codable, Sendable {
    var name: String
    var value: Data
    var createdAt: Double
}
