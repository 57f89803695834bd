import GatehouseHTTP
public import Hummingbird
public import HummingbirdAuth

/// Hummingbird-auth's authenticator step for any context whose identity is a ``SignedInUser``.
public struct GatehouseAuthenticator<Context: AuthRequestContext>: AuthenticatorMiddleware where Context.Identity == SignedInUser {
    let authenticator: RequestAuthenticator
    let cookieRule: RequestAuthenticator.CookieRule

    /// The caller of `request`, or nil without a credential.
    public func authenticate(request: Request, context: Context) async throws -> SignedInUser? {
        if let user = context.identity { return user }
        return try await authenticator.identify(request.headers, cookieRule: cookieRule, logger: context.logger).map(SignedInUser.init)
    }
}

/// The request context of an app that only needs the user: Hummingbird's basic context plus the
/// optional identity the middleware sets.
public typealias GatehouseAuthRequestContext = BasicAuthRequestContext<SignedInUser>

/// The context of routes that need a user: made from the app's context once the middleware found
/// one, and answering 401 `missing_token` otherwise, so handlers get a non-optional ``user``.
public struct SignedInRequestContext<Parent: AuthRequestContext>: ChildRequestContext where Parent.Identity == SignedInUser {
    /// The app's context, which this one is made from.
    public typealias ParentContext = Parent
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The caller.
    public let user: SignedInUser

    public init(context: Parent) throws {
        guard let user = context.identity else { throw SignedInUser.missing }
        self.coreContext = context.coreContext
        self.user = user
    }
}
