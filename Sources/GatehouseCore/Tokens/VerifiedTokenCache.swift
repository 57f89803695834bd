import CoreMetrics
import Crypto
import Synchronization

/// Tokens already verified, keyed by a SHA-256 of the token, each kept no longer than its `exp`.
///
/// An SPA sends the same token many times; this skips the RSA check for repeats. The cache
/// is bounded: when full, expired entries go first, then an arbitrary quarter.
public final class VerifiedTokenCache: Sendable {
    /// The most entries held.
    public let capacity: Int
    private let entries = Mutex<[SHA256.Digest: VerifiedToken]>([:])

    /// A cache of at most `capacity` tokens.
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// The number of tokens held.
    public var count: Int { entries.withLock { $0.count } }

    func lookup(_ token: String, now: Double) -> VerifiedToken? {
        let key = SHA256.hash(data: Array(token.utf8))
        let found = entries.withLock { entries -> VerifiedToken? in
            guard let hit = entries[key] else { return nil }
            guard now < hit.expiresAt else {
                entries[key] = nil
                return nil
            }
            return hit
        }
        (found == nil ? GatehouseMetrics.tokenCacheMisses : GatehouseMetrics.tokenCacheHits).increment()
        return found
    }

    func store(_ token: VerifiedToken, for raw: String, now: Double) {
        let key = SHA256.hash(data: Array(raw.utf8))
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.expiresAt }
                if entries.count >= capacity {
                    for key in entries.keys.prefix(max(1, capacity / 4)) { entries[key] = nil }
                }
            }
            entries[key] = token
        }
    }
}
