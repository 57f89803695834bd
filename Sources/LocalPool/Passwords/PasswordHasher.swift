import Crypto
import GatehouseCore
import HummingbirdBcrypt
import NIOPosix

/// bcrypt on NIO's thread pool (it is slow by design and must not block the cooperative pool),
/// and Cognito's default password policy.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost: 2^cost rounds (`gatehouse-bench bcrypt` measures it); raise it for anything shared.
    public let cost: UInt8
    /// Told of every bcrypt run, so a test can see what work a sign-in did (not how long it took).
    let observe: @Sendable (Work) -> Void

    /// A bcrypt run.
    public enum Work: Sendable, Equatable {
        /// Hashing a new password.
        case hash
        /// Checking a password against a user's hash.
        case verify
        /// Checking against the decoy, for a name without a user.
        case decoy
    }

    /// A hasher with `cost`; `observe` hears of each bcrypt run.
    public init(cost: UInt8 = 10, observe: @escaping @Sendable (Work) -> Void = { _ in }) {
        self.cost = cost
        self.observe = observe
    }

    /// Marks hashes of the pre-hashed password. bcrypt reads only the first 72 bytes and stops at
    /// a NUL, so it is given the base64 of the password's SHA-256 (44 bytes, no NUL) instead:
    /// every character of a 256-character password counts.
    static let prehashedPrefix = "$gh-sha256$"

    /// What bcrypt is given for `password`.
    static func prehash(_ password: String) -> String {
        Base64URL.encode(SHA256.hash(data: Array(password.utf8)))
    }

    /// Runs other slow password work (SRP's modular powers) on NIO's thread pool too.
    static func offload<T: Sendable>(_ work: @Sendable @escaping () -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    func hash(_ password: String) async throws -> String {
        observe(.hash)
        let cost = self.cost
        let input = Self.prehash(password)
        return try await NIOThreadPool.singleton.runIfActive { Self.prehashedPrefix + Bcrypt.hash(input, cost: cost) }
    }

    /// Checks `password` against a hash no password matches, taking as long as a real check:
    /// used when the user does not exist, so timing does not reveal that.
    func verifyDecoy(_ password: String) async throws -> Bool {
        observe(.decoy)
        let cost = self.cost
        let input = Self.prehash(password)
        return try await NIOThreadPool.singleton.runIfActive {
            let decoy = cost == 10 ? Self.decoyHashCost10 : Bcrypt.hash("decoy", cost: cost)
            return Bcrypt.verify(input, hash: decoy)
        }
    }

    private static let decoyHashCost10 = Bcrypt.hash("decoy-\(UInt64.random(in: 0 ... .max))", cost: 10)

    func verify(_ password: String, hash: String) async throws -> Bool {
        observe(.verify)
        guard hash.hasPrefix(Self.prehashedPrefix) else {
            // A plain bcrypt hash from before pre-hashing: only a password bcrypt reads whole can
            // match it (otherwise a longer password with the same first 72 bytes would).
            let readWhole = password.utf8.count <= 72 && !password.utf8.contains(0)
            return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) && readWhole }
        }
        let input = Self.prehash(password)
        let bcryptHash = String(hash.dropFirst(Self.prehashedPrefix.count))
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: bcryptHash) }
    }

    /// The pool's policy (Cognito's default: at least 8 characters with a lowercase and an
    /// uppercase letter, a digit and a symbol), and always at most 256 characters without control
    /// characters. Returns the problem, or nil when the password is acceptable.
    static func policyViolation(_ password: String, policy: PasswordPolicy = .cognitoDefault) -> String? {
        guard password.count >= policy.minimumLength else { return "Password did not conform with policy: Password not long enough" }
        guard password.count <= 256 else { return "Password did not conform with policy: Password is too long" }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "Password did not conform with policy: Password must not contain control characters"
        }
        guard !policy.requireLowercase || password.contains(where: \.isLowercase) else {
            return "Password did not conform with policy: Password must have lowercase characters"
        }
        guard !policy.requireUppercase || password.contains(where: \.isUppercase) else {
            return "Password did not conform with policy: Password must have uppercase characters"
        }
        guard !policy.requireNumbers || password.contains(where: \.isNumber) else {
            return "Password did not conform with policy: Password must have numeric characters"
        }
        guard !policy.requireSymbols || password.contains(where: { !$0.isLetter && !$0.isNumber }) else {
            return "Password did not conform with policy: Password must have symbol characters"
        }
        return nil
    }
}
