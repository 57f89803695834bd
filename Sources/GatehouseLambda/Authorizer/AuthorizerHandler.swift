import GatehouseCore
import GatehouseEdge
public import GatehouseHTTP
import HTTPTypes
public import Logging
public import NIOCore

/// The API Gateway Lambda authorizer: the same authenticator as `/userinfo` and forward auth
/// (a bearer access or ID token, or the session cookie read from the shared store and refreshed
/// when due, under the CSRF rule for unsafe methods), answering as API Gateway wants.
///
/// - REST API: allowed is an `Allow` policy on the API and stage with the user in `context`; a
///   user outside the required groups gets a `Deny` policy (403); no or a refused credential is
///   the function error `Unauthorized` (401), its reason only in the log.
/// - HTTP API (simple responses): `isAuthorized` and the `context`.
///
/// A failure that decides nothing about the caller (the keys or the store cannot be reached) is
/// another function error: API Gateway answers 500, and nobody is let in.
public struct AuthorizerHandler: LambdaHandler {
    let authenticator: RequestAuthenticator
    let settings: AuthorizerSettings

    /// Methods that need no CSRF proof with the cookie (a page navigation cannot send `X-CSRF`).
    static let safeMethods: Set<String> = ["GET", "HEAD", "OPTIONS"]

    /// An authorizer over `authenticator` with `settings`.
    public init(authenticator: RequestAuthenticator, settings: AuthorizerSettings) {
        self.authenticator = authenticator
        self.settings = settings
    }

    public func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> ByteBuffer {
        let event = try AuthorizerEvent.decode(invocation.event)
        var logger = logger
        if let gatewayID = event.requestID { logger[metadataKey: "gatehouse.gateway_request_id"] = "\(gatewayID)" }
        let rule: RequestAuthenticator.CookieRule = Self.safeMethods.contains(event.method) ? .none : .csrfHeader
        let identity: Identity
        do {
            guard let found = try await authenticator.identify(event.headers, cookieRule: rule, logger: logger) else {
                throw GatehouseError(.missingToken, logDetail: "no bearer token and no session cookie")
            }
            identity = found
        } catch {
            guard let refusal = RequestAuthenticator.refusal(from: error), refusal.statusCode < 500 else {
                logger.error("gatehouse.authorizer.failed", metadata: ["gatehouse.error": "\(error)"])
                throw AuthorizerFailure.unavailable
            }
            logger.notice("gatehouse.authorizer.refused", metadata: ["gatehouse.error": "\(refusal)"])
            if case .httpV2 = event.format { return AuthorizerAnswer.simple(authorized: false) }
            throw AuthorizerFailure.unauthorized
        }
        let admitted = settings.requiredGroups.isEmpty || identity.groups.contains(where: settings.requiredGroups.contains)
        if !admitted {
            logger.notice(
                "gatehouse.authorizer.denied",
                metadata: ["gatehouse.sub": "\(identity.token.subject)", "gatehouse.required_groups": "\(settings.requiredGroups)"]
            )
        }
        // A denied caller's token goes nowhere.
        let context = AuthorizerAnswer.context(of: identity, passingToken: settings.passesToken && admitted)
        switch event.format {
        case .httpV2:
            return AuthorizerAnswer.simple(authorized: admitted, context: admitted ? context : nil)
        case .restV1(let methodARN):
            return AuthorizerAnswer.policy(
                principal: identity.token.subject,
                allow: admitted,
                resource: AuthorizerEvent.apiResource(of: methodARN) ?? methodARN,
                context: context
            )
        }
    }
}

/// How the authorizer fails an invocation. `Unauthorized` is the exact message API Gateway turns
/// into 401; it never says why.
enum AuthorizerFailure: Error, LambdaReportableError {
    case unauthorized
    case unavailable

    var report: LambdaErrorReport {
        switch self {
        case .unauthorized: LambdaErrorReport(type: "Unauthorized", message: "Unauthorized")
        case .unavailable: LambdaErrorReport(type: "Gatehouse.Unavailable", message: "The credentials could not be checked")
        }
    }

    /// A refusal is the authorizer's answer; only an unreachable dependency is a fault.
    var isAnswer: Bool { self == .unauthorized }
}

/// The authorizer's answers, as API Gateway documents them.
enum AuthorizerAnswer {
    /// The user, as strings (API Gateway allows only strings, numbers and booleans in `context`).
    static func context(of identity: Identity, passingToken: Bool) -> [UInt8] {
        var writer = JSONWriter()
        writer.add("sub", identity.token.subject)
        writer.add("username", identity.token.username)
        writer.add("groups", identity.groups.joined(separator: ","))
        writer.add("scope", identity.token.claims["scope"]?.stringValue ?? "")
        writer.add("tokenUse", identity.token.tokenUse.rawValue)
        if passingToken, identity.token.tokenUse == .access { writer.add("accessToken", identity.rawToken) }
        return writer.finish()
    }

    /// An HTTP API simple response.
    static func simple(authorized: Bool, context: [UInt8]? = nil) -> ByteBuffer {
        var writer = JSONWriter()
        writer.add("isAuthorized", authorized)
        if let context { writer.add("context", json: context) }
        return ByteBuffer(bytes: writer.finish())
    }

    /// A REST API policy answer.
    static func policy(principal: String, allow: Bool, resource: String, context: [UInt8]) -> ByteBuffer {
        var statement = JSONWriter()
        statement.add("Action", "execute-api:Invoke")
        statement.add("Effect", allow ? "Allow" : "Deny")
        statement.add("Resource", [resource])
        var document = JSONWriter()
        document.add("Version", "2012-10-17")
        document.add("Statement", json: [UInt8(ascii: "[")] + statement.finish() + [UInt8(ascii: "]")])
        var writer = JSONWriter()
        writer.add("principalId", principal)
        writer.add("policyDocument", json: document.finish())
        writer.add("context", json: context)
        return ByteBuffer(bytes: writer.finish())
    }
}
