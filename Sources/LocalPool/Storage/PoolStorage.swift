import Synchronization

/// The local pool's storage seam. Each protocol owns one part of the pool's state and offers the
/// operations the services need, each one transaction (all or nothing): the SQL (or whatever
/// keeps the state) stays behind them. Two implementations: ``PoolStorage/database(_:)`` (SQLite
/// through GRDB, one module-internal folder) and ``PoolStorage/memory()`` (for unit tests).
///
/// Errors: a repository throws ``StorageError`` when the store fails; an error thrown by a
/// `change` closure passes through as it is.
public struct PoolStorage: Sendable {
    let pools: any PoolRepository
    let users: any UserRepository
    let groups: any GroupRepository
    let codes: any CodeRepository
    let challenges: any ChallengeRepository
    let tokens: any TokenRepository
    let hostedLogin: any HostedLoginRepository
    let resourceServers: any ResourceServerRepository
    let domains: any DomainRepository
    let terms: any TermsRepository
    let branding: any BrandingRepository
    let authEvents: any AuthEventRepository
    let imports: any UserImportRepository
    let identityProviders: any IdentityProviderRepository
    let providerLinks: any ProviderLinkRepository
    private let counter: TransactionCounter

    init(
        store: some PoolRepository & UserRepository & GroupRepository & CodeRepository & ChallengeRepository & TokenRepository
            & HostedLoginRepository & ResourceServerRepository & DomainRepository
            & TermsRepository & BrandingRepository & AuthEventRepository & UserImportRepository & IdentityProviderRepository
            & ProviderLinkRepository,
        counter: TransactionCounter
    ) {
        pools = store
        users = store
        groups = store
        codes = store
        challenges = store
        tokens = store
        hostedLogin = store
        resourceServers = store
        domains = store
        terms = store
        branding = store
        authEvents = store
        imports = store
        identityProviders = store
        providerLinks = store
        self.counter = counter
    }

    /// The pool's SQLite file.
    public static func database(_ database: PoolDatabase) -> PoolStorage {
        let counter = TransactionCounter()
        return PoolStorage(store: GRDBPoolStore(database: database, counter: counter), counter: counter)
    }

    /// Everything in memory, gone with the process (unit tests).
    public static func memory() -> PoolStorage {
        let counter = TransactionCounter()
        return PoolStorage(store: MemoryPoolStore(counter: counter), counter: counter)
    }

    /// Transactions begun so far, reads and writes (tests count them per operation).
    public var transactions: Int { counter.value }
}

/// A failure of the store itself (the file, the disk): for the log, never for the client.
struct StorageError: Error, CustomStringConvertible {
    let description: String
}

/// Counts transactions.
final class TransactionCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func begin() { count.add(1, ordering: .relaxed) }
}
