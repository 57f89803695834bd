public import CoreMetrics
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
    /// The API's request context.
    public typealias Context = GatehouseRequestContext

    let settings: ProxySettings
    let authenticator: RequestAuthenticator
    let client: UpstreamClient
    let metrics: ProxyMetrics

    /// The proxy of `settings`, authenticating with `authenticator`, sending with `client`,
    /// counting in `metrics`.
    public init(settings: ProxySettings, authenticator: RequestAuthenticator, client: UpstreamClient, metrics: ProxyMetrics = ProxyMetrics()) {
        self.settings = settings
        self.authenticator = authenticator
        self.client = client
        self.metrics = metrics
    }

    /// Proxies a request under an upstream's prefix; passes any other on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let upstream = settings.upstream(for: request.uri.path) else { return try await next(request, context) }
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await proxy(request, to: upstream, context: context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.requests.counter([upstream.prefix, String(status)]).increment()
            throw error
        }
        metrics.requests.counter([upstream.prefix, String(response.status.code)]).increment()
        metrics.duration.timer([upstream.prefix]).record(ContinuousClock.now - start)
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
        let forwarding = ProxyHeaders.Forwarding(
            accessToken: identity.rawToken,
            sub: identity.token.subject,
            username: identity.token.username,
            groups: identity.groups,
            clientAddress: context.clientAddress,
            host: request.head.authority
        )
        let target = path + (request.uri.query.map { "?" + $0 } ?? "")
        guard UpstreamRequest.isValidTarget(target), let endpoint = upstream.endpoint else {
            throw GatehouseError(.invalidRequest, message: "The path cannot be sent on.", logDetail: "a target with spaces or controls")
        }
        // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3), which is then not passed on:
        // the body goes on chunked, framed by what was actually read.
        let framing: UpstreamRequest.Framing
        if request.headers[.transferEncoding] != nil {
            framing = .chunked
        } else if let length = request.headers[.contentLength].flatMap(Int64.init) {
            framing = .length(length)
        } else {
            framing = Self.bodilessMethods.contains(request.method) ? .none : .length(0)
        }
        let outbound = UpstreamRequest(
            method: request.method,
            target: target,
            host: upstream.target.authority ?? "",
            fields: ProxyHeaders.upstream(request.headers, forwarding: forwarding),
            framing: framing
        )
        let answer: UpstreamResponse
        do {
            answer = try await client.execute(outbound, to: endpoint, body: request.body, timeout: settings.timeoutAmount)
        } catch {
            throw Self.failure(error, upstream: upstream)
        }
        var fields = HTTPFields()
        fields.reserveCapacity(answer.head.headers.count)
        for (name, value) in answer.head.headers {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        let upload = answer.upload
        let body = answer.body
        // The upload ends before the server drains the client connection (after this handler).
        var length: Int?
        if case .complete(let bytes) = body { length = bytes.readableBytes }
        let responseBody = ResponseBody(contentLength: length) { writer in
            do {
                switch body {
                case .complete(let bytes): try await writer.write(bytes)
                case .streamed(let chunks): try await writer.write(chunks)
                }
                try await writer.finish(nil)
            } catch {
                await upload.settle()
                throw error
            }
            await upload.settle()
        }
        return Response(
            status: HTTPResponse.Status(code: Int(answer.head.status.code), reasonPhrase: answer.head.status.reasonPhrase),
            headers: ProxyHeaders.downstream(fields),
            body: responseBody
        )
    }

    /// Methods sent on without a `Content-Length` when the client sent no body.
    static let bodilessMethods: Set<HTTPRequest.Method> = [.get, .head, .delete, .options, .trace, .connect]

    /// Throws 403 `forbidden` unless the upstream admits any user, or the user is in one of its groups.
    static func checkGroups(_ identity: Identity, upstream: Upstream) throws(GatehouseError) {
        guard !upstream.requiredGroups.isEmpty else { return }
        guard identity.groups.contains(where: upstream.requiredGroups.contains) else {
            throw GatehouseError(.forbidden, logDetail: "not in any of \(upstream.requiredGroups) for \(upstream.prefix)")
        }
    }

    /// The client-facing error for a failed upstream call: 504 when no head came in time, 502 otherwise.
    static func failure(_ error: UpstreamError, upstream: Upstream) -> GatehouseError {
        let detail = "\(upstream.prefix) → \(upstream.origin): \(error)"
        if error == .timeout { return GatehouseError(.upstreamTimeout, logDetail: detail) }
        return GatehouseError(.upstreamUnavailable, retryAfter: 1, logDetail: detail)
    }
}

/// The reverse proxy's metrics, labelled by the upstream's prefix, never the path.
public struct ProxyMetrics: Sendable {
    /// Requests the proxy answered: `upstream`, `status`.
    public let requests: MetricFamily
    /// How long the proxy took to the response head: `upstream`.
    public let duration: MetricFamily

    /// The metrics, made by `factory` (by default the process's).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        requests = MetricFamily(label: "gatehouse_proxy_requests_total", dimensionNames: ["upstream", "status"], factory: factory)
        duration = MetricFamily(label: "gatehouse_proxy_request_duration_seconds", dimensionNames: ["upstream"], factory: factory)
    }
}
