import Crypto
import Foundation
import GRDB
import GatehouseCore

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

extension LocalPoolService {
    /// HMAC-SHA256 of `message` for `purpose` under the server's key, made once (256 random bits)
    /// and kept in the database, so it outlives restarts.
    func serverMAC(_ message: String, purpose: ServerKeyPurpose) async throws(LocalPoolError) -> [UInt8] {
        let key = try await serverKey()
        return Array(HMAC<SHA256>.authenticationCode(for: Array((purpose.rawValue + "\u{0}" + message).utf8), using: key))
    }

    private func serverKey() async throws(LocalPoolError) -> SymmetricKey {
        if let key = caches.serverKey() { return key }
        let now = clock.now()
        let stored = try await write { db -> Data in
            if let existing = try ServerSecretRecord.fetchOne(db, key: "decoy-key") { return existing.value }
            let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            try ServerSecretRecord(name: "decoy-key", value: fresh, createdAt: now).insert(db)
            return fresh
        }
        let key = SymmetricKey(data: stored)
        caches.remember(serverKey: key)
        return key
    }
}
