public import AsyncHTTPClient
import CoreMetrics
public import GatehouseCore
import GatehouseEdge
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// The token handler's second half: requests under an upstream's prefix go to the app's own API
/// with the user's access token and identity, streamed both ways (bodies are never held whole).
///
/// Who may pass: a valid bearer token, or the session cookie under the CSRF rule of every
/// cookie request; anyone else gets 401 and the upstream hears nothing. Preflights are answered
/// at the edge, never sent upstream. Failures are our JSON errors: 502 `upstream_unavailable`,
/// 504 `upstream_timeout` (no response head within the timeout), 403 `forbidden` (the group
/// rule), 400 (a path that would leave the upstream's base).
public struct ReverseProxy: RouterMiddleware {
    public typealias Context = GatehouseRequestContext

    let settings: ProxySettings
    let authenticator: RequestAuthenticator
    let client: HTTPClient

    /// The proxy of `settings`, authenticating with `authenticator`, sending with `client` (one
    /// without a read timeout and without redirects or decompression: see ``ReverseProxy/makeClient(eventLoopGroup:)``).
    public init(settings: ProxySettings, authenticator: RequestAuthenticator, client: HTTPClient) {
        self.settings = settings
        self.authenticator = authenticator
        self.client = client
    }

    /// The HTTP client the proxy needs: bytes passed as they are (no decompression), redirects
    /// passed to the browser, no read timeout (a server-sent event stream may pause for minutes),
    /// a connect timeout of a few seconds, and no retrying of refused connections.
    public static func makeClient(eventLoopGroup: any EventLoopGroup) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: nil),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256),
            decompression: .disabled
        )
        configuration.httpVersion = .http1Only
        // A refused connection is 502 at once, as from any reverse proxy, not a retry until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let upstream = settings.upstream(for: request.uri.path) else { return try await next(request, context) }
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await proxy(request, to: upstream, context: context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            GatehouseMetrics.proxyRequests.counter([upstream.prefix, String(status)]).increment()
            throw error
        }
        GatehouseMetrics.proxyRequests.counter([upstream.prefix, String(response.status.code)]).increment()
        GatehouseMetrics.proxyDuration.timer([upstream.prefix]).record(ContinuousClock.now - start)
        return response
    }

    private func proxy(_ request: Request, to upstream: Upstream, context: Context) async throws -> Response {
        let isUpgrade = request.headers[.upgrade] != nil
        let rule: RequestAuthenticator.CookieRule = isUpgrade ? .originRequired : .csrfHeader
        guard let identity = try await authenticator.identify(request.headers, cookieRule: rule, logger: context.logger) else {
            throw GatehouseError(.missingToken, message: "Sign in, or send a bearer token.")
        }
        try Self.checkGroups(identity, upstream: upstream)
        // A WebSocket handshake that reaches here was not upgraded (no relay for this request).
        guard !isUpgrade else {
            throw GatehouseError(.invalidRequest, message: "This WebSocket upgrade cannot be relayed.", logDetail: "upgrade not taken")
        }
        let rest = request.uri.path.dropFirst(upstream.prefix.count)
        guard let path = ProxyPath.join(base: upstream.basePath, rest: rest) else {
            throw GatehouseError(.invalidRequest, message: "The path leaves the service's base.", logDetail: "dot-segments above the base")
        }
        var outbound = HTTPClientRequest(url: upstream.origin + path + (request.uri.query.map { "?" + $0 } ?? ""))
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        let forwarding = ProxyHeaders.Forwarding(
            accessToken: identity.rawToken,
            sub: identity.token.subject,
            username: identity.token.username,
            groups: identity.groups,
            clientAddress: context.clientAddress,
            host: request.head.authority
        )
        outbound.headers = HTTPHeaders(ProxyHeaders.upstream(request.headers, forwarding: forwarding))
        let sent = BodySent()
        // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3), which is then not passed on:
        // the body goes on chunked, framed by what was actually read.
        if request.headers[.transferEncoding] != nil {
            outbound.body = .stream(sent.watching(request.body), length: .unknown)
        } else if let length = request.headers[.contentLength].flatMap(Int64.init) {
            outbound.body = .stream(sent.watching(request.body), length: .known(length))
        } else {
            sent.finish()
        }
        let answer = try await responseHead(outbound, bodySent: sent, upstream: upstream, logger: context.logger)
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            guard let fieldName = HTTPField.Name(name) else { continue }
            headers.append(HTTPField(name: fieldName, value: value))
        }
        return Response(
            status: HTTPResponse.Status(code: Int(answer.status.code), reasonPhrase: answer.status.reasonPhrase),
            headers: ProxyHeaders.downstream(headers),
            body: ResponseBody(asyncSequence: answer.body)
        )
    }

    /// The upstream's response head. The timeout counts from when the request's body has been
    /// sent (an upload of any length may take its time), to the head's arrival.
    private func responseHead(
        _ outbound: HTTPClientRequest,
        bodySent: BodySent,
        upstream: Upstream,
        logger: Logger
    ) async throws(GatehouseError) -> HTTPClientResponse {
        let timeout = settings.timeout
        do {
            return try await withThrowingTaskGroup(of: HTTPClientResponse?.self) { group in
                group.addTask { try await client.execute(outbound, deadline: .distantFuture, logger: logger) }
                group.addTask {
                    await bodySent.wait()
                    try await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
                    return nil
                }
                defer {
                    // The timer must not wait on for a body that will never end (the client left).
                    bodySent.finish()
                    group.cancelAll()
                }
                guard let head = try await group.next() ?? nil else { throw HTTPClientError.deadlineExceeded }
                return head
            }
        } catch {
            throw Self.failure(error, upstream: upstream)
        }
    }

    /// Throws 403 `forbidden` unless the upstream admits any user, or the user is in one of its groups.
    static func checkGroups(_ identity: Identity, upstream: Upstream) throws(GatehouseError) {
        guard !upstream.requiredGroups.isEmpty else { return }
        guard identity.groups.contains(where: upstream.requiredGroups.contains) else {
            throw GatehouseError(.forbidden, logDetail: "not in any of \(upstream.requiredGroups) for \(upstream.prefix)")
        }
    }

    /// The client-facing error for a failed upstream call: 504 when no head came in time, 502 otherwise.
    static func failure(_ error: any Error, upstream: Upstream) -> GatehouseError {
        let detail = "\(upstream.prefix) → \(upstream.origin): \(error)"
        if let client = error as? HTTPClientError, client == .deadlineExceeded || client == .readTimeout {
            return GatehouseError(.upstreamTimeout, logDetail: detail)
        }
        return GatehouseError(.upstreamUnavailable, retryAfter: 1, logDetail: detail)
    }
}

extension HTTPHeaders {
    init(_ fields: HTTPFields) {
        self.init()
        for field in fields { add(name: field.name.rawName, value: field.value) }
    }
}
