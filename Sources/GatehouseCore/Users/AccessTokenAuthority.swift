import CoreMetrics
public import Logging
import Synchronization

/// The IdP's own view of access tokens, which offline verification cannot have: whether it
/// still honours one (Cognito's `GetUser` refuses revoked and globally signed-out tokens), and
/// signing its user out everywhere (`GlobalSignOut`). Both are authorised by the token itself,
/// which must carry the scope `aws.cognito.signin.user.admin`.
public protocol AccessTokenAuthority: Sendable {
    /// Whether the IdP still honours `accessToken`: false when it refuses it (revoked, signed
    /// out, user deleted or disabled). Throws when the IdP cannot say (unreachable, throttling).
    func isLive(accessToken: String, logger: Logger) async throws(DirectoryError) -> Bool
    /// Ends every token of the token's user: refresh tokens revoked, access tokens refused.
    func globalSignOut(accessToken: String, logger: Logger) async throws(DirectoryError)
}

/// Signing a user out everywhere on the server's own authority, no user token needed: Cognito's
/// `AdminUserGlobalSignOut` with the server's IAM credentials, or the local pool in-process. So a
/// session's access token need not carry the admin scope (which would let whoever holds it
/// change the user's attributes, password or account) for sign-out everywhere to work.
public protocol UserSignOut: Sendable {
    /// Ends every token of `username`: refresh tokens revoked, access tokens refused.
    func signOutEverywhere(username: String, logger: Logger) async throws(DirectoryError)
}

/// The revocation check of bearer tokens (`GATEHOUSE_REVOCATION_CHECK=on`): the IdP is asked
/// whether each token is still live, and the answer kept per token for `timeToLive` seconds
/// (in a bounded ``TTLCache``). A token signed out at the IdP is refused here at most
/// `timeToLive` seconds later.
public final class RevocationCheck: Sendable {
    /// Seconds an answer is kept.
    public let timeToLive: Double
    private let authority: any AccessTokenAuthority
    private let clock: WallClock
    private let answers: TTLCache<String, Bool>
    private let checks: MetricFamily

    /// A check asking `authority`, keeping answers `timeToLive` seconds (0: ask every time),
    /// counted in `metrics`.
    public init(
        authority: any AccessTokenAuthority,
        timeToLive: Double,
        capacity: Int = 10_000,
        clock: WallClock = .system,
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        self.authority = authority
        self.timeToLive = timeToLive
        self.clock = clock
        answers = TTLCache(capacity: capacity)
        checks = metrics.revocationChecks
    }

    /// The scope Cognito's `GetUser` needs in the token.
    public static let requiredScope = "aws.cognito.signin.user.admin"

    /// Throws 401 `token_revoked` when the IdP refuses the token, 401 `invalid_token` when the
    /// token cannot be checked (it lacks ``requiredScope``, or is not an access token), 503 when
    /// the IdP cannot be asked. A client's own token (`client_credentials`) passes unasked.
    public func check(_ token: VerifiedToken, raw: String, logger: Logger) async throws(GatehouseError) {
        // A client's own token has no user to sign out, and Cognito revokes no access token by
        // itself: it lives until `exp`, which the verifier checked.
        if token.isClientCredentials { return }
        let scopes = token.claims["scope"]?.stringValue?.split(separator: " ") ?? []
        guard token.tokenUse == .access, scopes.contains(Substring(Self.requiredScope)) else {
            throw GatehouseError(
                .invalidToken,
                message: "With the revocation check on, send an access token with the scope \(Self.requiredScope).",
                logDetail: "revocation check: token_use \(token.tokenUse.rawValue) without scope \(Self.requiredScope) cannot be checked"
            )
        }
        guard try await isLive(raw, expiresAt: token.expiresAt, logger: logger) else {
            throw GatehouseError(.tokenRevoked, logDetail: "the IdP refused this token")
        }
    }

    /// Whether the IdP still honours the access token `raw` (expiring at `expiresAt`): its
    /// answer, kept `timeToLive` seconds. Throws 503 when the IdP cannot be asked.
    public func isLive(_ raw: String, expiresAt: Double, logger: Logger) async throws(GatehouseError) -> Bool {
        // Keyed by the token's signature part: unique per token, and not the token itself.
        let key = String(raw[raw.index(after: raw.lastIndex(of: ".") ?? raw.startIndex)...])
        let now = clock.now()
        if let live = answers.value(for: key, now: now) {
            checks.counter(["cached"]).increment()
            return live
        }
        let live: Bool
        do {
            live = try await authority.isLive(accessToken: raw, logger: logger)
        } catch {
            checks.counter(["unavailable"]).increment()
            throw GatehouseError(.serviceUnavailable, retryAfter: error.retryAfter ?? 1, logDetail: "revocation check: \(error)")
        }
        checks.counter([live ? "live" : "revoked"]).increment()
        if timeToLive > 0 {
            // Never past the token's own expiry: after that the verifier refuses it anyway.
            answers.insert(live, for: key, until: min(now + timeToLive, expiresAt), now: now)
        }
        return live
    }

    /// Whether `scope` (a token's space-separated `scope` claim) lets the IdP be asked about it.
    public static func canCheck(scope: String?) -> Bool {
        (scope ?? "").split(separator: " ").contains(Substring(requiredScope))
    }
}
