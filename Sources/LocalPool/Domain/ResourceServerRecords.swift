/// A resource server: an API of the app's whose custom scopes (`IDENTIFIER/SCOPE`) app clients may
/// be allowed, and `client_credentials` tokens carry.
public struct ResourceServerRecord: Codable, Sendable, Equatable {
    /// The pool it belongs to.
    public var poolId: String
    /// `Identifier`: usually the API's URL; the first half of each scope's full name.
    public var identifier: String
    /// `Name`: a friendly name.
    public var name: String
    /// `Scopes`, in the order given.
    public var scopes: [ResourceServerScope]

    /// The full names of its scopes, `IDENTIFIER/SCOPE`, as clients and tokens name them.
    public var scopeNames: [String] { scopes.map { identifier + "/" + $0.scopeName } }
}

/// Cognito's `ResourceServerScopeType`.
public struct ResourceServerScope: Codable, Sendable, Equatable {
    /// `ScopeName`: the scope's own name (no `/`).
    public var scopeName: String
    /// `ScopeDescription`.
    public var scopeDescription: String

    /// A scope.
    public init(scopeName: String, scopeDescription: String) {
        self.scopeName = scopeName
        self.scopeDescription = scopeDescription
    }
}
