import Crypto
import GatehouseCore

/// What the service keeps in memory between requests, each in a ``TTLCache``: pools and clients
/// (changed only through the service, which forgets them), state derived from the set of clients
/// (browser origins; a token verifier per pool, whose accepted client ids are that pool's
/// clients), the scopes of each pool's resource servers, the server's key and the SRP decoy verifier. Creating or changing a client clears
/// the derived state.
final class PoolCaches: Sendable {
    private let pools = TTLCache<String, PoolRecord>()
    private let clients = TTLCache<String, ClientRecord>()
    private let verifiers = TTLCache<String, TokenVerifier>()
    /// Per pool: every scope a client may be allowed (the standard ones and the resource servers').
    private let scopes = TTLCache<String, Set<String>>()
    private let derived = TTLCache<Derived, DerivedValue>(capacity: 8)

    private enum Derived: Hashable {
        case origins, serverKey, decoyVerifier
    }

    private enum DerivedValue: Sendable {
        case origins(Set<String>)
        case serverKey(SymmetricKey)
        case decoyVerifier([UInt8])
    }

    /// SRP challenges waiting for their `PASSWORD_VERIFIER` answer.
    let srpChallenges = SRPChallenges()
    /// Custom sign-ins (CUSTOM_AUTH) waiting for their next answer, by session.
    let customSignIns = TTLCache<String, CustomSignInState>(capacity: 10_000)
    /// Choice-based sign-ins (USER_AUTH) waiting for their choice or code, by session.
    let choiceSignIns = TTLCache<String, ChoiceSignInState>(capacity: 10_000)
    /// Device sign-ins waiting for the device's SRP steps, by session and by user and device.
    let deviceSignIns = TTLCache<String, DeviceSignInState>(capacity: 20_000)
    /// Passkey registrations waiting for CompleteWebAuthnRegistration: the challenge, by user.
    let passkeyRegistrations = TTLCache<String, [UInt8]>(capacity: 10_000)

    func client(_ id: String) -> ClientRecord? { clients.value(for: id, now: 0) }

    /// The server's persistent key, once read.
    func serverKey() -> SymmetricKey? {
        if case .serverKey(let key)? = derived.value(for: .serverKey, now: 0) { key } else { nil }
    }

    func remember(serverKey: SymmetricKey) { derived.insert(.serverKey(serverKey), for: .serverKey, until: .infinity) }

    /// The SRP verifier shown for every name without one, once computed.
    func decoyVerifier() -> [UInt8]? {
        if case .decoyVerifier(let verifier)? = derived.value(for: .decoyVerifier, now: 0) { verifier } else { nil }
    }

    func remember(decoyVerifier: [UInt8]) { derived.insert(.decoyVerifier(decoyVerifier), for: .decoyVerifier, until: .infinity) }

    /// A pool as last read or written by this process (pools change only through the service).
    func pool(_ id: String) -> PoolRecord? { pools.value(for: id, now: 0) }

    func remember(_ pool: PoolRecord) { pools.insert(pool, for: pool.id, until: .infinity) }

    func forgetPool(_ id: String) { pools.remove(id) }

    func remember(_ client: ClientRecord) { clients.insert(client, for: client.id, until: .infinity) }

    func origins(_ compute: @escaping @Sendable () async -> Set<String>) async -> Set<String> {
        let found = await derived.value(for: .origins, now: 0) { (.success(.origins(await compute())), .infinity) }
        if case .success(.origins(let origins)) = found { return origins }
        return []
    }

    func verifier(
        poolID: String,
        _ make: @escaping @Sendable () async throws(LocalPoolError) -> TokenVerifier
    ) async throws(LocalPoolError) -> TokenVerifier {
        let found = await verifiers.value(for: poolID, now: 0) {
            do throws(LocalPoolError) {
                return (.success(try await make()), .infinity)
            } catch {
                return (.failure(error), nil)
            }
        }
        switch found {
        case .success(let verifier): return verifier
        case .failure(let error): throw error as? LocalPoolError ?? .internalError("keys")
        }
    }

    func scopes(
        poolID: String,
        _ read: @escaping @Sendable () async throws(LocalPoolError) -> Set<String>
    ) async throws(LocalPoolError) -> Set<String> {
        let found = await scopes.value(for: poolID, now: 0) {
            do throws(LocalPoolError) {
                return (.success(try await read()), .infinity)
            } catch {
                return (.failure(error), nil)
            }
        }
        switch found {
        case .success(let scopes): return scopes
        case .failure(let error): throw error as? LocalPoolError ?? .internalError("storage")
        }
    }

    /// Forgets the scopes of `poolID` (its resource servers changed, or it is gone).
    func resourceServersChanged(poolID: String) { scopes.remove(poolID) }

    /// Forgets the clients and everything derived from them.
    func clientsChanged() {
        clients.removeAll()
        derived.remove(.origins)
        verifiers.removeAll()
    }
}
