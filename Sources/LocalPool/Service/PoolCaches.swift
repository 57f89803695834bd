import Crypto
import GatehouseCore
import Synchronization

/// What the service keeps in memory between requests: clients, and state derived from the set of
/// clients (browser origins; a token verifier per pool, whose accepted client ids are that pool's
/// clients). Creating or changing a client clears the derived state.
final class PoolCaches: Sendable {
    private struct State {
        var pools: [String: PoolRecord] = [:]
        var clients: [String: ClientRecord] = [:]
        var origins: Set<String>?
        var verifiers: [String: TokenVerifier] = [:]
        var serverKey: SymmetricKey?
        var decoyVerifier: [UInt8]?
    }

    private let state = Mutex(State())

    /// SRP challenges waiting for their `PASSWORD_VERIFIER` answer.
    let srpChallenges = SRPChallenges()

    func client(_ id: String) -> ClientRecord? { state.withLock { $0.clients[id] } }

    /// The server's persistent key, once read.
    func serverKey() -> SymmetricKey? { state.withLock { $0.serverKey } }

    func remember(serverKey: SymmetricKey) { state.withLock { $0.serverKey = serverKey } }

    /// The SRP verifier shown for every name without one, once computed.
    func decoyVerifier() -> [UInt8]? { state.withLock { $0.decoyVerifier } }

    func remember(decoyVerifier: [UInt8]) { state.withLock { $0.decoyVerifier = decoyVerifier } }

    /// A pool as last read or written by this process (pools change only through the service).
    func pool(_ id: String) -> PoolRecord? { state.withLock { $0.pools[id] } }

    func remember(_ pool: PoolRecord) { state.withLock { $0.pools[pool.id] = pool } }

    func forgetPool(_ id: String) { state.withLock { _ = $0.pools.removeValue(forKey: id) } }

    func remember(_ client: ClientRecord) { state.withLock { $0.clients[client.id] = client } }

    func origins(_ compute: () async -> Set<String>) async -> Set<String> {
        if let cached = state.withLock({ $0.origins }) { return cached }
        let fresh = await compute()
        state.withLock { $0.origins = fresh }
        return fresh
    }

    func verifier<Failure: Error>(poolID: String, _ make: () async throws(Failure) -> TokenVerifier) async throws(Failure) -> TokenVerifier {
        if let cached = state.withLock({ $0.verifiers[poolID] }) { return cached }
        let fresh = try await make()
        state.withLock { $0.verifiers[poolID] = fresh }
        return fresh
    }

    /// Forgets the clients and everything derived from them.
    func clientsChanged() {
        state.withLock {
            $0.clients = [:]
            $0.origins = nil
            $0.verifiers = [:]
        }
    }
}
