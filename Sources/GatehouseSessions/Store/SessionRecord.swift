import Crypto
import GatehouseCore

/// One signed-in browser, as a store keeps it. The tokens are sealed (``SessionKeys``); the
/// rest is what the API needs without opening them.
public struct SessionRecord: Sendable, Equatable {
    /// The key: hex SHA-256 of the cookie value, so a copy of the store cannot be replayed as cookies.
    public var id: String
    /// The user's `sub`.
    public var subject: String
    /// The user's username.
    public var username: String
    /// ``SessionTokens`` sealed under the session keys.
    public var sealedTokens: [UInt8]
    /// When the access token expires (epoch seconds).
    public var accessExpiresAt: Double
    /// When the session began.
    public var createdAt: Double
    /// When the session ends if the browser stays away (moves forward with use).
    public var idleExpiresAt: Double
    /// When the session ends whatever happens.
    public var absoluteExpiresAt: Double
    /// Bumped by every replace; a replace names the version it read.
    public var version: Int
    /// Until when one instance holds the right to run this session's refresh grant (epoch
    /// seconds; 0: nobody). Taken with a version-checked replace, so across instances sharing a
    /// store one grant runs at a time; a holder that dies loses it when it lapses.
    public var refreshLeaseUntil: Double

    /// A record from its parts.
    public init(
        id: String,
        subject: String,
        username: String,
        sealedTokens: [UInt8],
        accessExpiresAt: Double,
        createdAt: Double,
        idleExpiresAt: Double,
        absoluteExpiresAt: Double,
        version: Int = 1,
        refreshLeaseUntil: Double = 0
    ) {
        self.id = id
        self.subject = subject
        self.username = username
        self.sealedTokens = sealedTokens
        self.accessExpiresAt = accessExpiresAt
        self.createdAt = createdAt
        self.idleExpiresAt = idleExpiresAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.version = version
        self.refreshLeaseUntil = refreshLeaseUntil
    }

    /// When the record stops being valid: the earlier of the idle and absolute deadlines.
    public var expiresAt: Double { min(idleExpiresAt, absoluteExpiresAt) }

    /// Whether the record is over at `now`.
    public func isExpired(at now: Double) -> Bool { now >= expiresAt }

    /// The store key for a cookie value.
    public static func id(forCookie value: String) -> String {
        Hex.encode(SHA256.hash(data: Array(value.utf8)))
    }
}

/// The tokens of a session, as sealed inside its record.
public struct SessionTokens: Sendable, Equatable {
    /// The ID token.
    public var idToken: String
    /// The access token.
    public var accessToken: String
    /// The refresh token.
    public var refreshToken: String
    /// When the access token expires (epoch seconds).
    public var accessExpiresAt: Double
    /// When the access token was issued (epoch seconds; refresh timing uses the lifetime).
    public var accessIssuedAt: Double

    /// Tokens from their parts.
    public init(idToken: String, accessToken: String, refreshToken: String, accessExpiresAt: Double, accessIssuedAt: Double) {
        self.idToken = idToken
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.accessExpiresAt = accessExpiresAt
        self.accessIssuedAt = accessIssuedAt
    }

    /// The tokens as JSON.
    public func encoded() -> [UInt8] {
        var writer = JSONWriter()
        writer.add("id", idToken)
        writer.add("access", accessToken)
        writer.add("refresh", refreshToken)
        writer.add("exp", Int(accessExpiresAt))
        writer.add("iat", Int(accessIssuedAt))
        return writer.finish()
    }

    /// Tokens from ``encoded()``'s JSON, or nil.
    public init?(decoding bytes: [UInt8]) {
        guard let object = (try? JSONParser.parse(bytes))?.objectValue,
            let id = object["id"]?.stringValue, let access = object["access"]?.stringValue,
            let refresh = object["refresh"]?.stringValue, let exp = object["exp"]?.numberValue,
            let iat = object["iat"]?.numberValue
        else { return nil }
        self.init(idToken: id, accessToken: access, refreshToken: refresh, accessExpiresAt: exp, accessIssuedAt: iat)
    }
}
