import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// A router whose requests are answered only for the `Host` values the server was configured
/// for: 421 for a foreign name (a DNS-rebinding page), 400 for none. It wraps the whole router,
/// 404s included, and its body names neither the host nor the list.
public struct HostChecked<Base: HTTPResponderBuilder>: HTTPResponderBuilder where Base.Responder.Context: RequestContext {
    let base: Base
    let allowed: AllowedHosts

    /// `base`, answering for `allowed` only.
    public init(_ base: Base, allowed: AllowedHosts) {
        self.base = base
        self.allowed = allowed
    }

    public func buildResponder() -> HostCheckedResponder<Base.Responder> {
        HostCheckedResponder(base: base.buildResponder(), allowed: allowed)
    }
}

/// The responder of ``HostChecked``.
public struct HostCheckedResponder<Base: HTTPResponder>: HTTPResponder where Base.Context: RequestContext {
    let base: Base
    let allowed: AllowedHosts

    public func respond(to request: Request, context: Base.Context) async throws -> Response {
        let host = request.head.authority
        guard allowed.allows(host) else { return refusal(host: host, logger: context.logger) }
        return try await base.respond(to: request, context: context)
    }

    private func refusal(host: String?, logger: Logger) -> Response {
        logger.notice(
            "gatehouse.host_refused",
            metadata: ["gatehouse.host": "\(host.map { String($0.prefix(100)) } ?? "-")", "gatehouse.hint": "see --allowed-host"]
        )
        let missing = host?.isEmpty ?? true
        let body =
            missing
            ? #"{"error":"missing_host","message":"A Host header is required."}"#
            : #"{"error":"misdirected_request","message":"This server does not answer for that host name."}"#
        return Response(
            status: missing ? .badRequest : .misdirectedRequest,
            headers: [.contentType: "application/json", .cacheControl: "no-store", .connection: "close"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
