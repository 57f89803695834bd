import Crypto
import GatehouseCore
import _CryptoExtras

/// Signs ID and access tokens shaped like Cognito's (reference §1.2).
struct TokenIssuer: Sendable {
    /// The issuer prefix; a pool's issuer is `{baseURL}/{poolId}`.
    let baseURL: String
    let keyRing: KeyRing

    func issuer(poolID: String) -> String { "\(baseURL)/\(poolID)" }

    /// What a sign-in or refresh produced.
    struct Tokens {
        let accessToken: String
        let idToken: String?
        let expiresIn: Int
    }

    /// The claims shared by a token pair.
    struct Grant {
        let poolID: String
        let client: ClientRecord
        let user: UserRecord
        let request: TokenRequest
        let authTime: Int
        let originJti: String
        /// The user's groups, in `cognito:groups` order.
        let groups: [GroupRecord]
        /// The device signed in from, when the pool tracks devices (the `device_key` claim).
        var deviceKey: String? = nil
    }

    func issue(_ grant: Grant, now: Double, overrides: TokenOverrides? = nil) async throws -> Tokens {
        let keys = try await keyRing.keys(poolID: grant.poolID)
        let iat = Int(now)
        let eventID = Identifiers.uuid()
        let settings = grant.client.settings

        var access = JSONWriter()
        access.add("sub", grant.user.sub)
        if !grant.groups.isEmpty { access.add("cognito:groups", grant.groups.map(\.name)) }
        access.add("iss", issuer(poolID: grant.poolID))
        if grant.request.isOAuth { access.add("version", 2) }
        access.add("client_id", grant.client.id)
        if let deviceKey = grant.deviceKey { access.add("device_key", deviceKey) }
        access.add("origin_jti", grant.originJti)
        access.add("event_id", eventID)
        access.add("token_use", "access")
        access.add("scope", grant.request.scope)
        access.add("auth_time", grant.authTime)
        access.add("exp", iat + settings.accessTokenSeconds)
        access.add("iat", iat)
        access.add("jti", Identifiers.uuid())
        access.add("username", grant.user.username)
        var accessClaims = access.finish()
        if let overrides { accessClaims = try overrides.apply(to: accessClaims, isID: false) }
        let accessToken = try sign(accessClaims, kid: keys.access.kid, key: keys.access.key)

        var idToken: String?
        if grant.request.includesIDToken {
            var id = JSONWriter()
            id.add("sub", grant.user.sub)
            if !grant.groups.isEmpty {
                id.add("cognito:groups", grant.groups.map(\.name))
                let roles = grant.groups.compactMap(\.roleArn)
                if let preferred = roles.first {
                    id.add("cognito:roles", roles)
                    id.add("cognito:preferred_role", preferred)
                }
            }
            let readable = settings.readAttributes.map(Set.init)
            for attribute in grant.user.attributes where readable?.contains(attribute.name) ?? !attribute.name.hasPrefix("dev:") {
                if attribute.name.hasSuffix("_verified") {
                    id.add(attribute.name, attribute.value == "true")
                } else if attribute.name == "identities", (try? JSONParser.parse(Array(attribute.value.utf8)))?.arrayValue != nil {
                    // A JSON array in the token, as Cognito's; only well-formed JSON is copied in.
                    id.add(attribute.name, json: Array(attribute.value.utf8))
                } else {
                    id.add(attribute.name, attribute.value)
                }
            }
            id.add("iss", issuer(poolID: grant.poolID))
            id.add("cognito:username", grant.user.username)
            if let nonce = grant.request.nonce { id.add("nonce", nonce) }
            id.add("origin_jti", grant.originJti)
            id.add("aud", grant.client.id)
            id.add("event_id", eventID)
            id.add("token_use", "id")
            id.add("auth_time", grant.authTime)
            id.add("exp", iat + settings.idTokenSeconds)
            id.add("iat", iat)
            id.add("jti", Identifiers.uuid())
            if grant.request.isOAuth {
                let half = Array(SHA256.hash(data: Array(accessToken.utf8)).prefix(16))
                id.add("at_hash", Base64URL.encode(half))
            }
            var idClaims = id.finish()
            if let overrides { idClaims = try overrides.apply(to: idClaims, isID: true) }
            idToken = try sign(idClaims, kid: keys.id.kid, key: keys.id.key)
        }
        return Tokens(accessToken: accessToken, idToken: idToken, expiresIn: settings.accessTokenSeconds)
    }

    /// An access token for a client acting for itself (`client_credentials`): `sub` is the client id.
    func issueClientCredentials(
        client: ClientRecord,
        scopes: [String],
        now: Double,
        overrides: TokenOverrides? = nil
    ) async throws -> (token: String, expiresIn: Int) {
        let keys = try await keyRing.keys(poolID: client.poolId)
        let iat = Int(now)
        var access = JSONWriter()
        access.add("sub", client.id)
        access.add("token_use", "access")
        access.add("scope", scopes.joined(separator: " "))
        access.add("auth_time", iat)
        access.add("iss", issuer(poolID: client.poolId))
        access.add("exp", iat + client.settings.accessTokenSeconds)
        access.add("iat", iat)
        access.add("version", 2)
        access.add("jti", Identifiers.uuid())
        access.add("client_id", client.id)
        let claims = try overrides.map { try $0.apply(to: access.finish(), isID: false) } ?? access.finish()
        return (try sign(claims, kid: keys.access.kid, key: keys.access.key), client.settings.accessTokenSeconds)
    }

    private func sign(_ claims: [UInt8], kid: String, key: _RSA.Signing.PrivateKey) throws -> String {
        var header = JSONWriter()
        header.add("kid", kid)
        header.add("alg", "RS256")
        let input = Base64URL.encode(header.finish()) + "." + Base64URL.encode(claims)
        let signature = try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }
}

/// What a token pair is for.
enum TokenRequest: Sendable, Equatable {
    /// The cognito-idp API's sign-ins and refreshes: the scope `aws.cognito.signin.user.admin`,
    /// with an ID token.
    case api
    /// The OAuth endpoints: the scopes granted (an ID token with `openid`, with `at_hash` and the
    /// nonce), and `version: 2`, as Cognito sets it on those tokens only.
    case oauth(scopes: [String], nonce: String?)

    /// The scope of the cognito-idp API's tokens.
    static let apiScope = "aws.cognito.signin.user.admin"

    /// What a refresh token with `scope` (as stored) refreshes.
    init(storedScope scope: String) {
        self = scope == Self.apiScope ? .api : .oauth(scopes: scope.split(separator: " ").map(String.init), nonce: nil)
    }

    /// The `scope` claim, and the refresh token's as stored.
    var scope: String {
        switch self {
        case .api: Self.apiScope
        case .oauth(let scopes, _): scopes.joined(separator: " ")
        }
    }

    /// Whether the tokens come from the OAuth endpoints.
    var isOAuth: Bool { self != .api }

    /// Whether an ID token goes with the access token.
    var includesIDToken: Bool {
        switch self {
        case .api: true
        case .oauth(let scopes, _): scopes.contains("openid")
        }
    }

    /// The nonce the ID token carries.
    var nonce: String? {
        if case .oauth(_, let nonce) = self { nonce } else { nil }
    }
}
