import Crypto
import Foundation
import GatehouseCore
import Synchronization
import _CryptoExtras

/// The signing keys of each pool: two RSA-2048 keys (ID tokens and access tokens, as Cognito
/// uses separate keys), created with the pool, kept in the database, parsed once per process.
final class KeyRing: Sendable {
    struct PoolKeys: Sendable {
        let id: (kid: String, key: _RSA.Signing.PrivateKey)
        let access: (kid: String, key: _RSA.Signing.PrivateKey)
    }

    private let storage: PoolStorage
    private let loaded = Mutex<[String: PoolKeys]>([:])

    init(storage: PoolStorage) {
        self.storage = storage
    }

    /// Both keys of a new pool, to be stored with it.
    static func newKeys(poolID: String, now: Double) throws -> [SigningKeyRecord] {
        try ["id", "access"].map { use in
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let digest = SHA256.hash(data: key.publicKey.derRepresentation)
            return SigningKeyRecord(
                kid: Data(digest).base64EncodedString(),
                poolId: poolID,
                tokenUse: use,
                privateKeyPEM: key.pemRepresentation,
                createdAt: now
            )
        }
    }

    /// The keys of `poolID`.
    func keys(poolID: String) async throws -> PoolKeys {
        if let keys = loaded.withLock({ $0[poolID] }) { return keys }
        let records = try await storage.pools.signingKeys(poolID: poolID)
        func pick(_ use: String) throws -> (kid: String, key: _RSA.Signing.PrivateKey) {
            guard let record = records.last(where: { $0.tokenUse == use }) else {
                throw LocalPoolError.internalError("pool \(poolID) has no \(use) signing key")
            }
            return (record.kid, try _RSA.Signing.PrivateKey(pemRepresentation: record.privateKeyPEM))
        }
        let keys = PoolKeys(id: try pick("id"), access: try pick("access"))
        loaded.withLock { $0[poolID] = keys }
        return keys
    }

    /// The pool's JWKS document.
    func jwks(poolID: String) async throws -> [UInt8] {
        let keys = try await keys(poolID: poolID)
        let entries = try [keys.id, keys.access].map { entry -> String in
            let primitives = try entry.key.publicKey.getKeyPrimitives()
            var writer = JSONWriter()
            writer.add("alg", "RS256")
            writer.add("e", Base64URL.encode(primitives.publicExponent))
            writer.add("kid", entry.kid)
            writer.add("kty", "RSA")
            writer.add("n", Base64URL.encode(primitives.modulus))
            writer.add("use", "sig")
            return String(decoding: writer.finish(), as: UTF8.self)
        }
        return Array(#"{"keys":[\#(entries.joined(separator: ","))]}"#.utf8)
    }
}
