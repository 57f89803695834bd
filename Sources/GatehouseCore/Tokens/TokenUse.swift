/// Which Cognito token kinds an API accepts (`GATEHOUSE_TOKEN_USE`).
public enum AcceptedTokenUse: String, Sendable, CaseIterable {
    /// Access tokens only.
    case access
    /// ID tokens only.
    case id
    /// Either.
    case any

    /// Whether a token whose `token_use` claim is `use` is acceptable.
    func accepts(_ use: TokenUse) -> Bool {
        switch self {
        case .any: true
        case .access: use == .access
        case .id: use == .id
        }
    }
}

/// The `token_use` claim of a Cognito token.
public enum TokenUse: String, Sendable {
    /// An access token.
    case access
    /// An ID token.
    case id
}
