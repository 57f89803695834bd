import Crypto
import Foundation
import GatehouseCore
import Logging

/// What every part of the pool's service shares: the storage, the clock, the logger, the
/// process's caches, the password hasher and the token issuer.
struct PoolContext: Sendable {
    let storage: PoolStorage
    let clock: WallClock
    let logger: Logger
    let caches: PoolCaches
    let hasher: PasswordHasher
    let keyRing: KeyRing
    let issuer: TokenIssuer
    /// How upstream identity providers are reached (nil: they are not).
    let upstream: (any UpstreamHTTP)?
    /// How trigger functions are run (nil: they cannot be).
    var triggerInvoker: (any TriggerInvoker)? = nil

    /// Runs a storage call; a failure of the store itself is logged and answered as
    /// `InternalErrorException` (an error the service threw from inside passes as it is).
    func store<T>(_ body: () async throws -> T) async throws(LocalPoolError) -> T {
        do {
            return try await body()
        } catch let error as LocalPoolError {
            throw error
        } catch {
            logger.error("gatehouse.pool.storage_error", metadata: ["gatehouse.error": "\(error)"])
            throw .internalError("storage")
        }
    }

    /// HMAC-SHA256 of `message` for `purpose` under the server's key, made once (256 random bits)
    /// and kept in storage, so it outlives restarts.
    func serverMAC(_ message: String, purpose: ServerKeyPurpose) async throws(LocalPoolError) -> [UInt8] {
        let key = try await serverKey()
        return Array(HMAC<SHA256>.authenticationCode(for: Array((purpose.rawValue + "\u{0}" + message).utf8), using: key))
    }

    private func serverKey() async throws(LocalPoolError) -> SymmetricKey {
        if let key = caches.serverKey() { return key }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let stored = try await store { try await storage.pools.secret(ServerSecretRecord(name: "decoy-key", value: fresh, createdAt: clock.now())) }
        let key = SymmetricKey(data: stored)
        caches.remember(serverKey: key)
        return key
    }

    /// The SHA-256 of a secret (a token, a code, a session string) as stored: lowercase hex.
    static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Array(secret.utf8)))
    }
}

/// What the server's persistent key is used for: made-up answers that hide whether a user
/// exists must be the same for the same name every time, restarts included.
enum ServerKeyPurpose: String, Sendable {
    /// The destination ForgotPassword shows for a name that cannot get a code.
    case simulatedDelivery = "simulated-delivery"
    /// The SRP salt shown for a name without a verifier.
    case decoySalt = "decoy-salt"
    /// The exponent of the one SRP verifier used for every name without one.
    case decoyVerifier = "decoy-verifier"
}
