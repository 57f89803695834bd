public import GatehouseCore
public import GatehouseSessions
import HTTPTypes
public import Hummingbird
import Logging

/// Who a request is from: a token that passed every rule, and the session it came from when it
/// came by cookie. A class: request contexts are copied at every layer of the router, and one
/// reference is cheaper to copy than the token's strings and claims.
public final class Identity: Sendable {
    /// The verified token (the user's `sub`, `username`, client, expiry, claims).
    public let token: VerifiedToken
    /// The token as sent (a bearer's), or the session's current access token.
    public let rawToken: String
    /// The session, when the request authenticated with the session cookie.
    public let session: ActiveSession?

    init(token: VerifiedToken, rawToken: String, session: ActiveSession?) {
        self.token = token
        self.rawToken = rawToken
        self.session = session
    }

    /// The user's groups (`cognito:groups`), in the token's order.
    public var groups: [String] { token.claims["cognito:groups"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

/// The context of routes that need a user: made from the API's context once an authenticator
/// found one, and throwing 401 `missing_token` otherwise, so handlers get a non-optional user.
public struct AuthenticatedRequestContext: ChildRequestContext {
    /// The API's request context, which this one is made from.
    public typealias ParentContext = GatehouseRequestContext
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id.
    public let requestID: String
    /// Who the request is from.
    public let identity: Identity

    public init(context: GatehouseRequestContext) throws {
        guard let identity = context.identity else { throw GatehouseError(.missingToken) }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.identity = identity
    }
}
