import HummingbirdBcrypt
import NIOPosix

/// bcrypt on NIO's thread pool (it is slow by design and must not block the cooperative pool),
/// and Cognito's default password policy.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost: 2^cost rounds. 10 takes about 50–70 ms here; raise it for anything shared.
    public let cost: UInt8

    /// A hasher with `cost`.
    public init(cost: UInt8 = 10) {
        self.cost = cost
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Checks `password` against a hash no password matches, taking as long as a real check:
    /// used when the user does not exist, so timing does not reveal that.
    func verifyDecoy(_ password: String) async throws -> Bool {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive {
            let decoy = cost == 10 ? Self.decoyHashCost10 : Bcrypt.hash("decoy", cost: cost)
            return Bcrypt.verify(password, hash: decoy)
        }
    }

    private static let decoyHashCost10 = Bcrypt.hash("decoy-\(UInt64.random(in: 0 ... .max))", cost: 10)

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Cognito's default policy: at least 8 characters with a lowercase and an uppercase letter,
    /// a digit and a symbol. Returns the problem, or nil when the password is acceptable.
    static func policyViolation(_ password: String) -> String? {
        guard password.count >= 8 else { return "Password did not conform with policy: Password not long enough" }
        guard password.count <= 256 else { return "Password did not conform with policy: Password is too long" }
        guard password.contains(where: \.isLowercase) else {
            return "Password did not conform with policy: Password must have lowercase characters"
        }
        guard password.contains(where: \.isUppercase) else {
            return "Password did not conform with policy: Password must have uppercase characters"
        }
        guard password.contains(where: \.isNumber) else {
            return "Password did not conform with policy: Password must have numeric characters"
        }
        guard password.contains(where: { !$0.isLetter && !$0.isNumber }) else {
            return "Password did not conform with policy: Password must have symbol characters"
        }
        return nil
    }
}
