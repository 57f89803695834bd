public import Logging

/// Where a verifier's keys come from: fetches the current JWKS of one issuer.
public protocol JWKSFetching: Sendable {
    /// Fetches and parses the key set; throws when it cannot be had.
    func fetchKeySet(logger: Logger) async throws -> JSONWebKeySet
}

/// A ``JWKSFetching`` made from a closure, for tests and small apps.
public struct ClosureJWKSFetcher: JWKSFetching {
    private let fetch: @Sendable (Logger) async throws -> JSONWebKeySet

    /// Wraps `fetch`.
    public init(_ fetch: @escaping @Sendable (Logger) async throws -> JSONWebKeySet) {
        self.fetch = fetch
    }

    public func fetchKeySet(logger: Logger) async throws -> JSONWebKeySet {
        try await fetch(logger)
    }
}
