import Synchronization

/// The pending `PASSWORD_VERIFIER` challenges: the key each sign-in derived, kept in memory only
/// (never on disk), for a few minutes, and handed out once. Keyed by the secret block sent with
/// the challenge, so a client need not send the `Session` back (pycognito does not). Bounded: a
/// flood of sign-ins drops the expired entries first, then everything.
final class SRPChallenges: Sendable {
    /// One challenge.
    struct Pending: Sendable {
        var poolID: String
        var clientID: String
        /// The username the client started with, and the one the proof is for.
        var username: String
        /// Whether the user exists and has a verifier: when not, no proof can succeed.
        var userExists: Bool
        /// The 16-byte key the client must show it holds.
        var key: [UInt8]
        /// The `Session` sent with the challenge.
        var session: String
        var expiresAt: Double
    }

    /// How long a challenge may be answered, in seconds.
    static let lifetime = 300.0
    static let capacity = 10_000
    private let pending = Mutex([String: Pending]())

    /// Keeps `challenge` under `secretBlock`.
    func insert(_ challenge: Pending, secretBlock: String, now: Double) {
        pending.withLock { pending in
            if pending.count >= Self.capacity {
                pending = pending.filter { $0.value.expiresAt > now }
                if pending.count >= Self.capacity { pending.removeAll() }
            }
            pending[secretBlock] = challenge
        }
    }

    /// Removes and returns the live challenge under `secretBlock`: each one answers once.
    func take(secretBlock: String, now: Double) -> Pending? {
        pending.withLock { pending in
            guard let challenge = pending.removeValue(forKey: secretBlock), challenge.expiresAt > now else { return nil }
            return challenge
        }
    }
}
