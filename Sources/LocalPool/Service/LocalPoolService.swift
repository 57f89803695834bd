import Crypto
import GRDB
public import GatehouseCore
public import Logging
import Synchronization

/// The local pool's behaviour over its database: pools, clients, users, sign-in, tokens.
/// The HTTP layers (the cognito-idp JSON API, later the OAuth2 endpoints) translate to it.
public struct LocalPoolService: Sendable {
    let database: PoolDatabase
    let keyRing: KeyRing
    let issuer: TokenIssuer
    let hasher: PasswordHasher
    let clock: WallClock
    let logger: Logger
    let caches = PoolCaches()

    /// A service over `database`, issuing tokens as `{baseURL}/{poolId}`.
    public init(
        database: PoolDatabase,
        baseURL: String,
        hasher: PasswordHasher = PasswordHasher(),
        clock: WallClock = .system,
        logger: Logger
    ) {
        self.database = database
        self.keyRing = KeyRing(database: database)
        self.issuer = TokenIssuer(baseURL: baseURL, keyRing: keyRing)
        self.hasher = hasher
        self.clock = clock
        self.logger = logger
    }

    /// The issuer URL of `poolID`.
    public func issuerURL(poolID: String) -> String { issuer.issuer(poolID: poolID) }

    /// The JWKS document of `poolID`.
    public func jwks(poolID: String) async throws(LocalPoolError) -> [UInt8] {
        _ = try await pool(poolID)
        do {
            return try await keyRing.jwks(poolID: poolID)
        } catch {
            throw .internalError("keys unavailable")
        }
    }

    /// Runs `body` in a read transaction, mapping storage failures to `InternalErrorException`.
    /// GRDB's async API: the caller suspends while SQLite works on GRDB's own threads, so no
    /// database call blocks the event loop or cooperative thread it was made from.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(LocalPoolError) -> T {
        do {
            return try await database.writer.read(body)
        } catch let error as LocalPoolError {
            throw error
        } catch {
            logger.error("gatehouse.pool.storage_error", metadata: ["gatehouse.error": "\(error)"])
            throw .internalError("storage")
        }
    }

    /// Runs `body` in a write transaction (all or nothing), with GRDB's async API as ``read(_:)``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(LocalPoolError) -> T {
        do {
            return try await database.writer.write(body)
        } catch let error as LocalPoolError {
            throw error
        } catch {
            logger.error("gatehouse.pool.storage_error", metadata: ["gatehouse.error": "\(error)"])
            throw .internalError("storage")
        }
    }

    static func hash(_ secret: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        for byte in SHA256.hash(data: Array(secret.utf8)) {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
