import Crypto
import GatehouseCore
import Synchronization

/// One login in progress: what `/auth/login/start` puts in the sealed login cookie and
/// `/auth/login/end` checks the hosted login's answer against.
///
/// A cookie ignores ports, so a page on another port of the app's host can plant a login cookie
/// its owner minted for their own account. Two things bind the transaction to the page that
/// started it: `loginID`, which `/auth/login/start` hands to the page (it keeps it in
/// `sessionStorage`, which is per origin, ports included) and `/auth/login/end` must be sent back;
/// and the `Origin` the start came from, which the end must come from too.
package struct LoginTransaction: Sendable, Equatable {
    /// Seconds a login may take.
    static let lifetime: Double = 600
    static let purpose = "gatehouse-login-v2"

    var state: String
    var nonce: String
    var verifier: String
    var expiresAt: Double
    /// The value the starting page holds and must send back.
    var loginID: String
    /// The `Origin` of the starting request, when it sent one.
    var origin: String?

    /// A new transaction with fresh random values, valid from `now`, started from `origin`.
    static func begin(now: Double, origin: String?) -> LoginTransaction {
        LoginTransaction(
            state: randomToken(),
            nonce: randomToken(),
            verifier: randomToken(),
            expiresAt: now + lifetime,
            loginID: randomToken(),
            origin: origin
        )
    }

    /// The PKCE S256 challenge of the verifier.
    var challenge: String { Base64URL.encode(SHA256.hash(data: Array(verifier.utf8))) }

    /// The transaction sealed as a cookie value.
    func sealed(with keys: SessionKeys) -> String {
        var writer = JSONWriter()
        writer.add("s", state)
        writer.add("n", nonce)
        writer.add("v", verifier)
        writer.add("e", Int(expiresAt))
        writer.add("l", loginID)
        if let origin { writer.add("o", origin) }
        return Base64URL.encode(keys.seal(writer.finish(), purpose: Self.purpose))
    }

    /// The transaction in a login cookie value, or nil when it does not open (tampered, another
    /// key, not ours).
    static func opened(_ cookie: String, with keys: SessionKeys) -> LoginTransaction? {
        guard cookie.utf8.count <= 1024, let sealed = Base64URL.decode(cookie),
            let plain = keys.open(sealed, purpose: purpose),
            let object = (try? JSONParser.parse(plain))?.objectValue,
            let state = object["s"]?.stringValue, let nonce = object["n"]?.stringValue,
            let verifier = object["v"]?.stringValue, let expiresAt = object["e"]?.numberValue,
            let loginID = object["l"]?.stringValue
        else { return nil }
        return LoginTransaction(
            state: state,
            nonce: nonce,
            verifier: verifier,
            expiresAt: expiresAt,
            loginID: loginID,
            origin: object["o"]?.stringValue
        )
    }
}

/// 256 random bits, base64url (43 characters).
func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
}

/// States of logins already ended in this process, until their transactions expire: a
/// replayed `/auth/login/end` is refused here before the IdP refuses the used code. Logins all
/// live ``LoginTransaction/lifetime``, so they expire in the order they ended: the oldest are
/// dropped from the front of a queue, and each login costs O(1), however many end at once.
/// Past `capacity` the oldest go early (a replay of one of those still meets the IdP's refusal
/// of the used code).
final class UsedLoginStates: Sendable {
    private struct State {
        var until: [String: Double] = [:]
        var order: [(state: String, expiresAt: Double)] = []
        var head = 0
    }

    private let capacity: Int
    private let states = Mutex(State())

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// Marks `state` used until `expiresAt`; false when it already was.
    func consume(_ state: String, expiresAt: Double, now: Double) -> Bool {
        states.withLock { states in
            while states.head < states.order.count,
                states.order[states.head].expiresAt <= now || states.until.count >= capacity
            {
                let oldest = states.order[states.head]
                if states.until[oldest.state] == oldest.expiresAt { states.until[oldest.state] = nil }
                states.head += 1
            }
            if states.head > 1024, states.head * 2 > states.order.count {
                states.order.removeFirst(states.head)
                states.head = 0
            }
            if let until = states.until[state], until > now { return false }
            states.until[state] = expiresAt
            states.order.append((state, expiresAt))
            return true
        }
    }
}
