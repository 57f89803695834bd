import Synchronization

/// The pending `PASSWORD_VERIFIER` challenges: the key each sign-in derived, kept in memory only
/// (never on disk), for a few minutes, and handed out once. Keyed by the secret block sent with
/// the challenge, so a client need not send the `Session` back (pycognito does not).
///
/// Bounded per client, oldest first: a flood of unauthenticated starts pushes out only the
/// flood's own older entries (and the expired), never every pending sign-in at once, and a
/// genuine sign-in, answered within a second or two of its start, is long gone from the front of
/// the line before a flood reaches it.
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
        /// A custom sign-in (CUSTOM_AUTH with `SRP_A`) goes on after the proof, under `session`.
        var continuesCustomSignIn = false
        /// The `DEVICE_KEY` the client started with (a device challenge follows the proof).
        var deviceKey: String? = nil
    }

    /// How long a challenge may be answered, in seconds.
    static let lifetime = 300.0
    /// Challenges kept per client; past it, that client's oldest goes.
    static let capacityPerClient = 10_000
    /// Challenges kept in all; past it, the oldest of the client with the most goes.
    static let capacity = 50_000

    /// A client's challenges in the order they came, as secret blocks (taken ones are skipped).
    private struct Line {
        var blocks: [String] = []
        var head = 0
        var live = 0

        mutating func popOldest() -> String? {
            guard head < blocks.count else { return nil }
            defer { head += 1 }
            return blocks[head]
        }

        /// Drops the taken blocks the line still holds once they outnumber the live ones.
        mutating func compact(keeping isLive: (String) -> Bool) {
            guard blocks.count - head > 2 * live + 64 else { return }
            blocks = blocks[head...].filter(isLive)
            head = 0
        }
    }

    private struct State {
        var pending: [String: Pending] = [:]
        var lines: [String: Line] = [:]
    }

    private let state = Mutex(State())

    /// The number of challenges held.
    var count: Int { state.withLock { $0.pending.count } }

    /// Keeps `challenge` under `secretBlock`, making room first as described above.
    func insert(_ challenge: Pending, secretBlock: String, now: Double) {
        state.withLock { state in
            let client = challenge.clientID
            if state.lines[client, default: Line()].live >= Self.capacityPerClient { Self.evictOldest(of: client, in: &state) }
            if state.pending.count >= Self.capacity, let busiest = state.lines.max(by: { $0.value.live < $1.value.live })?.key {
                Self.evictOldest(of: busiest, in: &state)
            }
            state.pending[secretBlock] = challenge
            state.lines[client, default: Line()].blocks.append(secretBlock)
            state.lines[client, default: Line()].live += 1
            let pending = state.pending
            state.lines[client]?.compact { pending[$0]?.clientID == client }
        }
    }

    /// Removes and returns the live challenge under `secretBlock`: each one answers once.
    func take(secretBlock: String, now: Double) -> Pending? {
        state.withLock { state in
            guard let challenge = state.pending.removeValue(forKey: secretBlock) else { return nil }
            state.lines[challenge.clientID]?.live -= 1
            return challenge.expiresAt > now ? challenge : nil
        }
    }

    /// Drops the oldest challenge `client` still holds.
    private static func evictOldest(of client: String, in state: inout State) {
        while let block = state.lines[client]?.popOldest() {
            if state.pending[block]?.clientID == client {
                state.pending[block] = nil
                state.lines[client]?.live -= 1
                return
            }
        }
    }
}
