import Foundation
import Synchronization

/// The pool's state in memory, for unit tests: every repository over one lock, each operation
/// atomic as a transaction is, with the schema's rules (unique names, cascading deletes).
final class MemoryPoolStore: Sendable {
    struct Key: Hashable {
        let poolID: String
        let name: String
    }

    /// A provider identity of a pool.
    struct LinkKey: Hashable {
        let poolID: String
        let provider: String
        let subject: String
    }

    struct CodeKey: Hashable {
        let user: Key
        let purpose: CodePurpose
    }

    struct Tables {
        /// In the order created (which is the order of `createdAt`), as SQLite lists them.
        var pools: [PoolRecord] = []
        var clients: [ClientRecord] = []
        var keys: [SigningKeyRecord] = []
        var secrets: [String: ServerSecretRecord] = [:]
        var users: [Key: UserRecord] = [:]
        var phantoms: [Key: PhantomLockoutRecord] = [:]
        var groups: [Key: GroupRecord] = [:]
        /// Group → usernames.
        var members: [Key: Set<String>] = [:]
        var codes: [CodeKey: UserCodeRecord] = [:]
        var throttles: [CodeKey: CodeThrottleRecord] = [:]
        var challenges: [String: AuthSessionRecord] = [:]
        var refreshTokens: [String: RefreshTokenRecord] = [:]
        var revokedOrigins: Set<String> = []
        var authCodes: [String: AuthCodeRecord] = [:]
        var sessions: [String: SSOSessionRecord] = [:]
        var resourceServers: [Key: ResourceServerRecord] = [:]
        var domains: [String: UserPoolDomainRecord] = [:]
        var terms: [String: TermsRecord] = [:]
        var brandings: [String: ManagedLoginBrandingRecord] = [:]
        /// Each user's sign-in events, oldest first.
        var authEvents: [Key: [AuthEventRecord]] = [:]
        var importJobs: [String: UserImportJobRecord] = [:]
        var identityProviders: [Key: IdentityProviderRecord] = [:]
        var providerLinks: [LinkKey: ProviderLinkRecord] = [:]

        /// The user called `name`, or whose `sub` it is.
        func user(poolID: String, name: String) -> UserRecord? {
            users[Key(poolID: poolID, name: name)] ?? users.values.first { $0.poolId == poolID && $0.sub == name }
        }

        /// The groups of `username` in token order.
        func groups(ofUser username: String, poolID: String) -> [GroupRecord] {
            GroupRecord.tokenOrder(
                groups.values.filter { $0.poolId == poolID && members[Key(poolID: poolID, name: $0.name)]?.contains(username) == true }
            )
        }

        /// Deletes a user and what hangs on them (the schema's cascades, and their refresh tokens).
        mutating func deleteUser(_ key: Key) {
            users[key] = nil
            refreshTokens = refreshTokens.filter { !($0.value.poolId == key.poolID && $0.value.username == key.name) }
            codes = codes.filter { $0.key.user != key }
            authEvents[key] = nil
            providerLinks = providerLinks.filter { $0.value.poolId != key.poolID || $0.value.username != key.name }
            for group in members.keys where group.poolID == key.poolID { members[group]?.remove(key.name) }
        }
    }

    private let tables = Mutex(Tables())
    private let counter: TransactionCounter

    init(counter: TransactionCounter) {
        self.counter = counter
    }

    /// Runs `body` on the tables as one transaction: a thrown error leaves them unchanged.
    func transaction<T>(_ body: (inout Tables) throws -> T) throws -> T {
        counter.begin()
        return try tables.withLock { tables in
            var copy = tables
            let result = try body(&copy)
            tables = copy
            return result
        }
    }
}

extension MemoryPoolStore: PoolRepository {
    func create(_ pool: PoolRecord, keys: [SigningKeyRecord]) async throws {
        try transaction { tables in
            guard !tables.pools.contains(where: { $0.id == pool.id }) else { throw StorageError(description: "pool \(pool.id) exists") }
            tables.pools.append(pool)
            tables.keys += keys
        }
    }

    func pool(id: String) async throws -> PoolRecord? { try transaction { $0.pools.first { $0.id == id } } }

    func pools() async throws -> [PoolRecord] { try transaction { $0.pools } }

    func update(_ pool: PoolRecord) async throws {
        try transaction { tables in
            if let index = tables.pools.firstIndex(where: { $0.id == pool.id }) { tables.pools[index] = pool }
        }
    }

    func deletePool(id: String) async throws {
        try transaction { tables in
            tables.pools.removeAll { $0.id == id }
            tables.clients.removeAll { $0.poolId == id }
            tables.keys.removeAll { $0.poolId == id }
            tables.users = tables.users.filter { $0.key.poolID != id }
            tables.groups = tables.groups.filter { $0.key.poolID != id }
            tables.members = tables.members.filter { $0.key.poolID != id }
            tables.codes = tables.codes.filter { $0.key.user.poolID != id }
            tables.refreshTokens = tables.refreshTokens.filter { $0.value.poolId != id }
            tables.authCodes = tables.authCodes.filter { $0.value.poolId != id }
            tables.sessions = tables.sessions.filter { $0.value.poolId != id }
            tables.resourceServers = tables.resourceServers.filter { $0.key.poolID != id }
            tables.domains = tables.domains.filter { $0.value.poolId != id }
            tables.terms = tables.terms.filter { $0.value.poolId != id }
            tables.brandings = tables.brandings.filter { $0.value.poolId != id }
            tables.authEvents = tables.authEvents.filter { $0.key.poolID != id }
            tables.importJobs = tables.importJobs.filter { $0.value.poolId != id }
            tables.identityProviders = tables.identityProviders.filter { $0.key.poolID != id }
            tables.providerLinks = tables.providerLinks.filter { $0.key.poolID != id }
        }
    }

    func signingKeys(poolID: String) async throws -> [SigningKeyRecord] { try transaction { $0.keys.filter { $0.poolId == poolID } } }

    func secret(_ fresh: ServerSecretRecord) async throws -> Data {
        try transaction { tables in
            if let existing = tables.secrets[fresh.name] { return existing.value }
            tables.secrets[fresh.name] = fresh
            return fresh.value
        }
    }

    func create(_ client: ClientRecord) async throws {
        try transaction { tables in
            guard tables.pools.contains(where: { $0.id == client.poolId }) else { throw StorageError(description: "no pool \(client.poolId)") }
            tables.clients.append(client)
        }
    }

    func client(id: String) async throws -> ClientRecord? { try transaction { $0.clients.first { $0.id == id } } }

    func clients(poolID: String?) async throws -> [ClientRecord] {
        try transaction { tables in tables.clients.filter { poolID == nil || $0.poolId == poolID } }
    }

    func update(_ client: ClientRecord) async throws {
        try transaction { tables in
            if let index = tables.clients.firstIndex(where: { $0.id == client.id }) { tables.clients[index] = client }
        }
    }

    func deleteClient(id: String) async throws {
        try transaction { tables in
            tables.refreshTokens = tables.refreshTokens.filter { $0.value.clientId != id }
            tables.authCodes = tables.authCodes.filter { $0.value.clientId != id }
            tables.terms = tables.terms.filter { $0.value.clientId != id }
            tables.brandings = tables.brandings.filter { $0.value.clientId != id }
            tables.clients.removeAll { $0.id == id }
        }
    }
}
