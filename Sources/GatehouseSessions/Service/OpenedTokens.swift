import GatehouseCore

/// Tokens of records already unsealed, by record id and version (a replace bumps the version,
/// so a changed record is opened again): a request of a known session skips AES-GCM and JSON.
/// A bounded ``TTLCache``; an entry lives until its record moves on or the cache drops it.
final class OpenedTokens: Sendable {
    private struct Entry {
        let version: Int
        let sealed: [UInt8]
        let tokens: SessionTokens
    }

    private let entries: TTLCache<String, Entry>

    init(capacity: Int = 10_000) {
        entries = TTLCache(capacity: capacity)
    }

    func lookup(_ record: SessionRecord) -> SessionTokens? {
        guard let entry = entries.value(for: record.id, now: 0), entry.version == record.version, entry.sealed == record.sealedTokens else {
            return nil
        }
        return entry.tokens
    }

    func store(_ tokens: SessionTokens, for record: SessionRecord) {
        entries.insert(Entry(version: record.version, sealed: record.sealedTokens, tokens: tokens), for: record.id, until: .infinity)
    }
}
