/// A validated `/oauth2/authorize` (or `/login`) request.
public struct AuthorizeRequest: Sendable {
    /// The client.
    public let client: ClientRecord
    /// Where the code goes (registered for the client).
    public let redirectURI: String
    /// The client's `state`, returned as it came.
    public let state: String?
    /// The scopes granted.
    public let scopes: [String]
    /// The `nonce` for the ID token.
    public let nonce: String?
    /// The PKCE challenge (S256).
    public let codeChallenge: String?

    /// The query string that carries this request on to `/login`.
    public var queryItems: [(String, String)] {
        var items = [("response_type", "code"), ("client_id", client.id), ("redirect_uri", redirectURI), ("scope", scopes.joined(separator: " "))]
        if let state { items.append(("state", state)) }
        if let nonce { items.append(("nonce", nonce)) }
        if let codeChallenge {
            items.append(("code_challenge", codeChallenge))
            items.append(("code_challenge_method", "S256"))
        }
        return items
    }
}

/// Why an authorize request was refused: on a page (client or redirect unknown) or back at the client.
public enum AuthorizeRefusal: Error, Sendable {
    /// Shown on a page: the client or the redirect is unknown, so nothing may go back to it.
    case page(String)
    /// Sent back to the client's redirect as `error`, `error_description` and `state`.
    case redirect(to: String, error: String, description: String, state: String?)
}

/// An OAuth2 token-endpoint error (RFC 6749 §5.2).
public struct OAuthError: Error, Sendable, Equatable {
    /// The `error` code (`invalid_grant`, `invalid_client`, …).
    public let error: String
    /// The `error_description`.
    public let description: String
    /// The HTTP status (400, or 401 for a client that failed Basic authentication).
    public let status: Int

    /// An error.
    public init(_ error: String, _ description: String, status: Int = 400) {
        self.error = error
        self.description = description
        self.status = status
    }
}
