/// An identity provider of a pool (CreateIdentityProvider): an OpenID Connect provider whose
/// users sign in through the hosted login, with how its claims map to the pool's attributes.
public struct IdentityProviderRecord: Codable, Sendable, Equatable {
    /// The pool.
    public var poolId: String
    /// `ProviderName`, which clients' `SupportedIdentityProviders` and `identity_provider=` name.
    public var providerName: String
    /// `ProviderType`: `OIDC`.
    public var providerType: String
    /// `ProviderDetails`: `client_id`, `client_secret`, `authorize_scopes`, `oidc_issuer`,
    /// `attributes_request_method`, and the endpoints (discovered when not given).
    public var providerDetails: [String: String]
    /// `AttributeMapping`: pool attribute to the provider's claim.
    public var attributeMapping: [String: String]
    /// `IdpIdentifiers`: the domains or names `idp_identifier=` finds it by.
    public var idpIdentifiers: [String]
    /// When it was created (seconds since 1970).
    public var createdAt: Double
    /// When it last changed.
    public var updatedAt: Double
}

/// Cognito's rules for OIDC providers.
enum IdentityProviderRules {
    /// The details an OIDC provider may have.
    static let detailNames: Set<String> = [
        "client_id", "client_secret", "authorize_scopes", "oidc_issuer", "attributes_request_method", "authorize_url", "token_url",
        "attributes_url", "jwks_uri", "attributes_url_add_attributes",
    ]
    /// The endpoints discovery fills in, by the discovery document's member.
    static let discovered = [
        ("authorize_url", "authorization_endpoint"), ("token_url", "token_endpoint"), ("attributes_url", "userinfo_endpoint"),
        ("jwks_uri", "jwks_uri"),
    ]

    static func checkName(_ name: String) throws(LocalPoolError) {
        guard (3...32).contains(name.count), InputPatterns.isUsername(name), !name.hasPrefix("_"), !name.hasSuffix("_") else {
            throw .invalidParameter("ProviderName must be 3 to 32 letters, digits, symbols or punctuation, not starting or ending with '_'.")
        }
        guard name.lowercased() != "cognito" else { throw .invalidParameter("ProviderName Cognito is reserved.") }
    }

    static func checkType(_ type: String) throws(LocalPoolError) {
        guard type == "OIDC" else {
            let known = ["SAML", "Facebook", "Google", "LoginWithAmazon", "SignInWithApple"].contains(type)
            throw .invalidParameter(
                known
                    ? "ProviderType \(type) is not supported by the local pool; OIDC providers are."
                    : "ProviderType must be SAML, Facebook, Google, LoginWithAmazon, SignInWithApple or OIDC."
            )
        }
    }

    /// The details as given, checked: known names, the required ones, a loopback or https
    /// issuer and endpoints, `attributes_request_method` GET (the default) or POST.
    static func checkDetails(_ details: [String: String]) throws(LocalPoolError) -> [String: String] {
        if let unknown = details.keys.sorted().first(where: { !detailNames.contains($0) }) {
            throw .invalidParameter("ProviderDetails has an unknown key for OIDC: \(unknown.prefix(40)).")
        }
        for required in ["client_id", "authorize_scopes", "oidc_issuer"] where (details[required] ?? "").isEmpty {
            throw .invalidParameter("ProviderDetails must have \(required) for OIDC.")
        }
        guard (details["authorize_scopes"] ?? "").split(separator: " ").contains("openid") else {
            throw .invalidParameter("authorize_scopes must include openid.")
        }
        var checked = details
        checked["attributes_request_method"] = details["attributes_request_method"] ?? "GET"
        guard ["GET", "POST"].contains(checked["attributes_request_method"]) else {
            throw .invalidParameter("attributes_request_method must be GET or POST.")
        }
        for name in ["oidc_issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri"] {
            guard let url = details[name] else { continue }
            guard isAllowedURL(url) else { throw .invalidParameter("\(name) must be an https URL (http only on loopback).") }
        }
        return checked
    }

    /// An https URL, or an http one on a loopback address (a second local pool as the provider).
    static func isAllowedURL(_ url: String) -> Bool {
        guard url.count <= 2048, url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return false }
        if url.hasPrefix("https://") { return url.count > "https://".count }
        for loopback in ["http://127.0.0.1", "http://localhost", "http://[::1]"] where url.hasPrefix(loopback) {
            let rest = url.dropFirst(loopback.count)
            if rest.isEmpty || rest.hasPrefix(":") || rest.hasPrefix("/") { return true }
        }
        return false
    }

    static func checkIdentifiers(_ identifiers: [String]) throws(LocalPoolError) {
        guard identifiers.count <= 50 else { throw .invalidParameter("IdpIdentifiers must have at most 50 members.") }
        for identifier in identifiers {
            let allowed = identifier.unicodeScalars.allSatisfy { InputPatterns.isWordASCII($0) || " +=.@-".unicodeScalars.contains($0) }
            guard (1...40).contains(identifier.count), allowed else {
                throw .invalidParameter("An IdpIdentifier must be 1 to 40 letters, digits, spaces or + = . @ - _.")
            }
        }
        guard Set(identifiers.map { $0.lowercased() }).count == identifiers.count else {
            throw .invalidParameter("IdpIdentifiers has a duplicate.")
        }
    }
}
