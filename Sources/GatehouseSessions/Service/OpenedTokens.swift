import Synchronization

/// Tokens of records already unsealed, by record id and version (a replace bumps the version,
/// so a changed record is opened again): a request of a known session skips AES-GCM and JSON.
/// Bounded; past its capacity it starts over.
final class OpenedTokens: Sendable {
    private struct Entry {
        let version: Int
        let sealed: [UInt8]
        let tokens: SessionTokens
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func lookup(_ record: SessionRecord) -> SessionTokens? {
        guard let entry = entries.withLock({ $0[record.id] }), entry.version == record.version, entry.sealed == record.sealedTokens else {
            return nil
        }
        return entry.tokens
    }

    func store(_ tokens: SessionTokens, for record: SessionRecord) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[record.id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[record.id] = Entry(version: record.version, sealed: record.sealedTokens, tokens: tokens)
        }
    }
}
