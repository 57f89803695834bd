public import GatehouseCore
public import Logging

/// One pool of the local pool, handed to the API in-process: its users as a ``UserDirectory``,
/// its signing keys as a ``JWKSFetching``, and whether a client id is one of its clients (the
/// API trusts every client of the pool, including ones created after start-up).
public struct LocalPoolDirectory: UserDirectory, JWKSFetching, AccessTokenAuthority, UserSignOut {
    /// The pool.
    public let poolID: String
    private let service: LocalPoolService

    /// The pool `poolID` of `service`.
    public init(service: LocalPoolService, poolID: String) {
        self.service = service
        self.poolID = poolID
    }

    public func user(named username: String, logger: Logger) async throws(DirectoryError) -> DirectoryUser {
        do {
            let user = try await service.users.user(poolID: poolID, username: username)
            return DirectoryUser(
                username: user.username,
                attributes: user.allAttributes.map { (name: $0.name, value: $0.value) },
                enabled: user.enabled,
                status: user.status.rawValue
            )
        } catch  where error.name == .userNotFound {
            throw DirectoryError(.userNotFound, detail: error.description)
        } catch {
            throw DirectoryError(.unavailable, retryAfter: 1, detail: error.description)
        }
    }

    public func fetchKeySet(logger: Logger) async throws -> JSONWebKeySet {
        try await JSONWebKeySet(json: try service.pools.jwks(poolID: poolID))
    }

    /// Whether `clientID` is a client of the pool now.
    public func hasClient(_ clientID: String) async -> Bool {
        (try? await service.pools.client(clientID, poolID: poolID)) != nil
    }

    /// What `GetUser` would answer: live unless the pool refuses the token (revoked, signed
    /// out, user gone or disabled, or a token without the API scope).
    public func isLive(accessToken: String, logger: Logger) async throws(DirectoryError) -> Bool {
        do {
            let grant = try await service.tokens.validateAccessToken(accessToken)
            return grant.scopes.contains(LocalPoolService.apiScope)
        } catch  where error.name == .notAuthorized {
            return false
        } catch {
            throw DirectoryError(.unavailable, retryAfter: 1, detail: error.description)
        }
    }

    /// What `GlobalSignOut` does: every refresh token of the user revoked, earlier access tokens refused.
    public func globalSignOut(accessToken: String, logger: Logger) async throws(DirectoryError) {
        do throws(LocalPoolError) {
            let grant = try await service.tokens.validateAccessToken(accessToken)
            guard grant.scopes.contains(LocalPoolService.apiScope) else {
                throw LocalPoolError.notAuthorized("Access Token does not have required scopes")
            }
            try await service.users.globalSignOut(poolID: grant.user.poolId, username: grant.user.username)
        } catch  where error.name == .notAuthorized {
            throw DirectoryError(.userNotFound, detail: error.description)
        } catch {
            throw DirectoryError(.unavailable, retryAfter: 1, detail: error.description)
        }
    }

    /// What `AdminUserGlobalSignOut` does, in-process.
    public func signOutEverywhere(username: String, logger: Logger) async throws(DirectoryError) {
        do {
            try await service.users.globalSignOut(poolID: poolID, username: username)
        } catch  where error.name == .userNotFound {
            throw DirectoryError(.userNotFound, detail: error.description)
        } catch {
            throw DirectoryError(.unavailable, retryAfter: 1, detail: error.description)
        }
    }
}
