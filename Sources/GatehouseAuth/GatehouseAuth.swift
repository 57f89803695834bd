public import AsyncHTTPClient
import GatehouseAWS
import GatehouseComposition
import GatehouseCore
public import GatehouseHTTP
import GatehouseSessions
public import HummingbirdAuth
public import Logging

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Gatehouse's sign-in check for a Hummingbird 2 app that is not Gatehouse: the verifier and
/// cookie sessions `/userinfo` runs on, built by the same composition function, read from the
/// same variables.
///
/// - Bearer tokens: `GATEHOUSE_USER_POOL_ID` and `GATEHOUSE_CLIENT_IDS` (region from the pool
///   id; `GATEHOUSE_TOKEN_USE`, `GATEHOUSE_REVOCATION_CHECK` and the rest as the API reads them).
/// - The session cookie too, given the store the token handler writes and its keys:
///   `GATEHOUSE_SESSION_STORE=dynamodb:TABLE`, `GATEHOUSE_SESSION_KEYS`, the `GATEHOUSE_OAUTH_*`
///   client, and AWS credentials in the environment.
///
/// Keys are fetched on first use (or by ``prefetch(logger:)``) over `httpClient`.
public struct GatehouseAuth: Sendable {
    /// Who a request is from; the middleware's and the authorizer's authenticator.
    public let authenticator: RequestAuthenticator
    let keys: JWKSCache

    /// The check configured by `environment` (the process's by default). Errors name the
    /// variable at fault.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared,
        logger: Logger
    ) throws {
        let configuration = try GatehouseConfiguration(environment: environment)
        let transport = HTTPClientTransport(client: httpClient)
        // Credentials sign only the calls a check never makes (AdminGetUser, sign-out); the
        // session store on DynamoDB reads them from `environment` itself.
        let credentials = (try? EnvironmentCredentials.load(from: environment)) ?? AWSCredentials(accessKeyID: "", secretAccessKey: "")
        let sessions = try sessionSetup(
            try SessionSettings.from(environment),
            environment: environment,
            home: .sharedOnly,
            transport: transport,
            logger: logger
        )
        let dependencies = buildDependencies(
            configuration: configuration,
            pool: .cognito(credentials: StaticCredentialProvider(credentials)),
            httpClient: httpClient,
            sessions: sessions
        )
        self.authenticator = dependencies.authenticator
        self.keys = dependencies.keys
    }

    /// Fetches the pool's signing keys now, so the first request does not wait for them.
    public func prefetch(logger: Logger) async {
        await keys.prefetch(logger: logger)
    }

    /// The middleware that finds the caller of each request: a bearer token, else the session
    /// cookie under `cookieRule` (by default `X-CSRF: 1` and an allowed `Origin`, as `/userinfo`
    /// asks). A request with neither passes on without a user; a refused one is answered 401 or
    /// 403 (our JSON error) before it reaches a route.
    public func middleware<Context: AuthRequestContext>(
        context: Context.Type = Context.self,
        cookieRule: RequestAuthenticator.CookieRule = .csrfHeader
    ) -> GatehouseAuthenticator<Context> where Context.Identity == SignedInUser {
        GatehouseAuthenticator(authenticator: authenticator, cookieRule: cookieRule)
    }
}
