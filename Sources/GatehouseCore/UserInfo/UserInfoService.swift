public import Logging

/// Turns a bearer token into the user's profile: verify, look up, shape.
public struct UserInfoService: Sendable {
    /// Attribute names returned besides `sub`, `username` and `name`.
    public let attributeNames: [String]
    private let verifier: TokenVerifier
    private let directory: any UserDirectory
    private let revocation: RevocationCheck?

    /// A service verifying with `verifier`, asking `revocation` (when given) whether bearer
    /// tokens are still live at the IdP, and reading users from `directory`.
    public init(
        verifier: TokenVerifier,
        directory: any UserDirectory,
        attributeNames: [String] = ["email", "nickname"],
        revocation: RevocationCheck? = nil
    ) {
        self.verifier = verifier
        self.directory = directory
        self.revocation = revocation
        self.attributeNames = attributeNames.filter { !["sub", "username", "name"].contains($0) }
    }

    /// The profile of the user `token` belongs to: ``verify(_:logger:)`` then ``profile(of:logger:)``.
    ///
    /// - Throws: ``GatehouseError``: 401 kinds for bad tokens and disabled or deleted users,
    ///   503 when the pool is throttling or down.
    public func userInfo(token: String?, logger: Logger) async throws(GatehouseError) -> UserProfile {
        guard let token, !token.isEmpty else { throw GatehouseError(.missingToken) }
        return try await profile(of: try await verifyBearer(token, logger: logger), logger: logger)
    }

    /// ``verify(_:logger:)``, then with the revocation check on, the IdP asked whether the token
    /// is still live (401 `token_revoked` when not). For tokens a caller sent; a session's own
    /// tokens need no check (a logout deletes the session).
    public func verifyBearer(_ token: String, logger: Logger) async throws(GatehouseError) -> VerifiedToken {
        let verified = try await verify(token, logger: logger)
        try await revocation?.check(verified, raw: token, logger: logger)
        return verified
    }

    /// The token's claims once it passed every rule; 401 (or 503 when the keys cannot be had) otherwise.
    public func verify(_ token: String, logger: Logger) async throws(GatehouseError) -> VerifiedToken {
        do {
            return try await verifier.verify(token, logger: logger)
        } catch {
            throw GatehouseError(error)
        }
    }

    /// The profile of the user a verified token belongs to, from the directory.
    public func profile(of verified: VerifiedToken, logger: Logger) async throws(GatehouseError) -> UserProfile {
        guard !verified.isClientCredentials else {
            throw GatehouseError(.noUser, logDetail: "client_credentials token of client \(verified.clientID)")
        }
        let user: DirectoryUser
        do {
            user = try await directory.user(named: verified.username, logger: logger)
        } catch {
            throw GatehouseError(error)
        }
        guard user.enabled else { throw GatehouseError(.userDisabled, logDetail: "user is disabled") }
        if let sub = user.attribute("sub"), sub != verified.subject {
            throw GatehouseError(.userNotFound, logDetail: "username now belongs to another sub")
        }
        return UserProfile(
            subject: verified.subject,
            username: user.username,
            name: user.attribute("name") ?? user.username,
            attributes: attributeNames.map { name in
                // `groups` is no attribute: the verified token's `cognito:groups` (in precedence order).
                name == "groups"
                    ? UserProfile.Attribute(name: name, list: verified.claims["cognito:groups"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                    : UserProfile.Attribute(name: name, value: user.attribute(name))
            }
        )
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    public func trimmingASCIIWhitespace() -> Substring {
        let scalars = self[...]
        let start = scalars.firstIndex { $0 != " " && $0 != "\t" } ?? scalars.endIndex
        let end = scalars[start...].lastIndex { $0 != " " && $0 != "\t" }.map { scalars.index(after: $0) } ?? start
        return Substring(scalars[start..<end])
    }
}
