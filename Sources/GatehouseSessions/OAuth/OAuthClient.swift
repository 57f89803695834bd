import CoreMetrics
public import GatehouseAWS
public import GatehouseCore
public import Logging

/// The hosted login's endpoints, all under one domain (Cognito's `https://{prefix}.auth.{region}.amazoncognito.com`,
/// a custom domain, or the local pool's base URL).
public struct OAuthEndpoints: Sendable, Equatable {
    /// The domain, without a trailing slash.
    public let domain: String

    /// The endpoints of `domain`.
    public init(domain: String) {
        var base = domain
        while base.hasSuffix("/") { base.removeLast() }
        self.domain = base
    }

    /// `/oauth2/authorize`.
    public var authorize: String { domain + "/oauth2/authorize" }
    /// `/oauth2/token`.
    public var token: String { domain + "/oauth2/token" }
    /// `/oauth2/revoke`.
    public var revoke: String { domain + "/oauth2/revoke" }
    /// `/logout` (Cognito's, which takes `client_id` and `logout_uri`).
    public var logout: String { domain + "/logout" }
}

/// What the token endpoint granted.
public struct GrantedTokens: Sendable {
    /// The ID token (always on a code grant with `openid`; on a refresh grant too, at Cognito).
    public let idToken: String?
    /// The access token.
    public let accessToken: String
    /// The refresh token (code grants; refresh grants only when the pool rotates them).
    public let refreshToken: String?
    /// Seconds the access token lives.
    public let expiresIn: Double
}

/// The OAuth call failed.
public enum OAuthClientError: Error, Sendable, CustomStringConvertible {
    /// The IdP said no (`invalid_grant`, `invalid_client`, …): retrying will not help.
    case refused(code: String)
    /// The IdP could not be reached, timed out, or failed (5xx, 429, an unreadable answer).
    case unavailable(detail: String)

    public var description: String {
        switch self {
        case .refused(let code): "refused: \(code)"
        case .unavailable(let detail): "unavailable: \(detail)"
        }
    }
}

/// The confidential client's side of OAuth 2.0: the code and refresh grants and revocation,
/// authenticated with the client secret in Basic auth, each call within a deadline and retried
/// on network failures, 5xx and 429 as our AWS calls are (``RetryPolicy``).
public struct OAuthClient: Sendable {
    /// Where the calls go.
    public let endpoints: OAuthEndpoints
    /// The app client id.
    public let clientID: String
    private let clientSecret: String?
    private let transport: any AWSTransport
    private let timeout: Double
    private let retryPolicy: RetryPolicy
    private let sleep: @Sendable (Double) async throws -> Void
    private let metrics: GatehouseMetrics

    /// A client of `endpoints` as `clientID`, authenticating with `clientSecret` when there is
    /// one, its calls counted in `metrics`.
    public init(
        endpoints: OAuthEndpoints,
        clientID: String,
        clientSecret: String?,
        transport: any AWSTransport,
        timeout: Double = 5,
        retryPolicy: RetryPolicy = RetryPolicy(),
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .milliseconds(Int($0 * 1000))) },
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        self.metrics = metrics
        self.endpoints = endpoints
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.transport = transport
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.sleep = sleep
    }

    /// The authorization code grant with the PKCE verifier.
    public func exchange(code: String, verifier: String, redirectURI: String, logger: Logger) async throws(OAuthClientError) -> GrantedTokens {
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier)]
        if clientSecret == nil { form.append(("client_id", clientID)) }
        return try Self.tokens(try await call("token", url: endpoints.token, form: form, logger: logger))
    }

    /// The refresh token grant.
    public func refresh(_ refreshToken: String, logger: Logger) async throws(OAuthClientError) -> GrantedTokens {
        var form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        if clientSecret == nil { form.append(("client_id", clientID)) }
        return try Self.tokens(try await call("refresh", url: endpoints.token, form: form, logger: logger))
    }

    /// Revokes `refreshToken` (and the tokens issued from it).
    public func revoke(_ refreshToken: String, logger: Logger) async throws(OAuthClientError) {
        var form = [("token", refreshToken)]
        if clientSecret == nil { form.append(("client_id", clientID)) }
        _ = try await call("revoke", url: endpoints.revoke, form: form, logger: logger)
    }

    private static func tokens(_ body: [UInt8]) throws(OAuthClientError) -> GrantedTokens {
        guard let object = (try? JSONParser.parse(body))?.objectValue,
            let access = object["access_token"]?.stringValue, !access.isEmpty
        else { throw .unavailable(detail: "the token endpoint's answer has no access_token") }
        return GrantedTokens(
            idToken: object["id_token"]?.stringValue,
            accessToken: access,
            refreshToken: object["refresh_token"]?.stringValue,
            expiresIn: object["expires_in"]?.numberValue ?? 3600
        )
    }

    private func call(_ operation: String, url: String, form: [(String, String)], logger: Logger) async throws(OAuthClientError) -> [UInt8] {
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(Int(timeout * 1000))
        var headers: [(name: String, value: String)] = [
            (name: "Content-Type", value: "application/x-www-form-urlencoded"),
            (name: "Accept", value: "application/json"),
        ]
        if let clientSecret {
            // RFC 6749 §2.3.1: each part form-encoded before base64.
            let pair = URLEncoding.percentEncode(clientID) + ":" + URLEncoding.percentEncode(clientSecret)
            headers.append((name: "Authorization", value: "Basic " + Base64URL.encodeStandard(pair.utf8)))
        }
        let request = AWSHTTPRequest(url: url, method: "POST", headers: headers, body: Array(URLEncoding.form(form).utf8))
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Result<[UInt8], OAuthClientError>
            let left = (deadline - ContinuousClock.now).components
            let remaining = Double(left.seconds) + Double(left.attoseconds) / 1e18
            if remaining <= 0 {
                outcome = .failure(.unavailable(detail: "deadline passed"))
            } else {
                do {
                    let response = try await transport.send(request, timeout: remaining, logger: logger)
                    outcome = Self.outcome(response)
                } catch {
                    logger.debug("gatehouse.oauth.transport_error", metadata: ["gatehouse.error": "\(error)"])
                    outcome = .failure(.unavailable(detail: "the token endpoint could not be reached"))
                }
            }
            switch outcome {
            case .success(let body):
                record(operation, outcome: "success", since: started)
                return body
            case .failure(.refused(let code)):
                record(operation, outcome: code, since: started)
                throw .refused(code: code)
            case .failure(let error):
                let delay = retryPolicy.delay(afterAttempt: attempt)
                guard attempt < retryPolicy.maximumAttempts, ContinuousClock.now + .milliseconds(Int(delay * 1000)) < deadline else {
                    record(operation, outcome: "unavailable", since: started)
                    throw error
                }
                logger.debug("gatehouse.oauth.retrying", metadata: ["gatehouse.oauth.call": "\(operation)", "gatehouse.attempt": "\(attempt)"])
                do { try await sleep(delay) } catch { throw .unavailable(detail: "cancelled") }
            }
        }
    }

    /// 2xx is the body; 400/401 with a well-formed OAuth `error` is a refusal; the rest is unavailability.
    private static func outcome(_ response: AWSHTTPResponse) -> Result<[UInt8], OAuthClientError> {
        if (200..<300).contains(response.status) { return .success(response.body) }
        if response.status == 400 || response.status == 401 {
            let code = (try? JSONParser.parse(response.body))?.objectValue?["error"]?.stringValue ?? "invalid_request"
            let known = [
                "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope",
                "unsupported_token_type",
            ]
            return .failure(.refused(code: known.contains(code) ? code : "invalid_request"))
        }
        return .failure(.unavailable(detail: "the token endpoint answered \(response.status)"))
    }

    private func record(_ operation: String, outcome: String, since started: ContinuousClock.Instant) {
        metrics.upstreamCalls.counter(["oauth", operation, outcome]).increment()
        metrics.upstreamDuration.timer(["oauth", operation]).record(ContinuousClock.now - started)
    }
}
