/// A terms document of an app client (CreateTerms): the terms of use or the privacy policy, by
/// link, per language. The sign-up page links both once the client has both.
public struct TermsRecord: Codable, Sendable, Equatable {
    /// `TermsId`: a UUID.
    public var termsId: String
    /// The pool.
    public var poolId: String
    /// The client whose sign-up page shows it.
    public var clientId: String
    /// `terms-of-use` or `privacy-policy`.
    public var termsName: String
    /// `LINK`, the one source Cognito has.
    public var termsSource: String
    /// `NONE`, the one enforcement Cognito has.
    public var enforcement: String
    /// Language (`cognito:default`, `cognito:english`, …) to URL.
    public var links: [String: String]
    /// When it was created (seconds since 1970).
    public var createdAt: Double
    /// When it last changed.
    public var updatedAt: Double

    /// The link an English page shows: English, else the default; only an http(s) URL, so no
    /// stored value can become a script link.
    var englishLink: String? {
        guard let link = links["cognito:english"] ?? links["cognito:default"], link.hasPrefix("https://") || link.hasPrefix("http://") else {
            return nil
        }
        return link
    }
}

/// Cognito's constraints on terms documents.
enum TermsRules {
    static let names: Set<String> = ["terms-of-use", "privacy-policy"]
    static let languages: Set<String> = [
        "default", "dutch", "english", "french", "spanish", "german", "bahasa-indonesia", "italian", "japanese", "korean",
        "portuguese-brazil", "chinese-simplified", "chinese-traditional",
    ]

    static func check(name: String?, source: String?, enforcement: String?, links: [String: String]?) throws(LocalPoolError) {
        if let name, !names.contains(name) { throw .invalidParameter("TermsName must be terms-of-use or privacy-policy.") }
        if let source, source != "LINK" { throw .invalidParameter("TermsSource must be LINK.") }
        if let enforcement, enforcement != "NONE" { throw .invalidParameter("Enforcement must be NONE.") }
        guard let links else { return }
        guard (1...13).contains(links.count) else { throw .invalidParameter("Links must have between 1 and 13 entries.") }
        for (language, link) in links {
            guard language.hasPrefix("cognito:"), languages.contains(String(language.dropFirst("cognito:".count))) else {
                throw .invalidParameter("A Links key must be cognito:default or a cognito:LANGUAGE of managed login.")
            }
            guard (1...1024).contains(link.count), link.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
                throw .invalidParameter("A link must be 1 to 1024 characters without spaces or control characters.")
            }
        }
    }
}
