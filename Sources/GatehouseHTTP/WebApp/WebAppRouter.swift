import GatehouseCore
public import GatehouseEdge
import HTTPTypes
public import Hummingbird
public import NIOCore

/// One file of the web app, held in memory.
public struct WebAsset: Sendable {
    /// The file's bytes.
    public let bytes: ByteBuffer
    /// Its media type.
    public let contentType: String

    /// An asset of `contentType`.
    public init(bytes: ByteBuffer, contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
    }

    /// The media type for a file name's extension, or nil for files the app does not serve.
    public static func contentType(forFileName name: String) -> String? {
        let suffix = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch suffix {
        case "html": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        default: return nil
        }
    }
}

/// The demo app's origin (what CloudFront served in the original): the files of `Web/` from
/// memory at `/` and `/{name}`, and `/config.json` telling the app where the pool and API are.
///
/// Every response forbids framing, sniffing and referrers (the address holds the sign-in code for
/// a moment), and the Content-Security-Policy lets scripts and styles come from this origin only
/// and connections go to this origin and `connectSources` (the pool and the API).
///
/// With `canonicalOrigin`, a request that reached the app by another loopback name
/// (`localhost` for `127.0.0.1`, say) is sent there: the API's CORS allows that origin only, and
/// the page would otherwise just say the API cannot be reached.
public func buildWebAppRouter(
    assets: [String: WebAsset],
    configuration: [UInt8],
    connectSources: [String],
    canonicalOrigin: String? = nil
) -> Router<EdgeContext> {
    let router = Router(context: EdgeContext.self)
    var answer: Edge<EdgeContext>.Answer?
    if let canonicalOrigin { answer = { request, _ in loopbackRedirect(request, to: canonicalOrigin) } }
    router.add(middleware: Edge(server: "app", answer: answer))
    let policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self' \(connectSources.joined(separator: " ")); "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    let config = WebAsset(bytes: ByteBuffer(bytes: configuration), contentType: "application/json")
    let serve: @Sendable (String) -> Response = { name in
        let asset = name == "config.json" ? config : assets[name]
        guard let asset else {
            return Response(
                status: .notFound,
                headers: headers(contentType: "text/plain; charset=utf-8", policy: policy),
                body: ResponseBody(byteBuffer: ByteBuffer(string: "Not found\n"))
            )
        }
        return Response(status: .ok, headers: headers(contentType: asset.contentType, policy: policy), body: ResponseBody(byteBuffer: asset.bytes))
    }
    router.get("/") { _, _ in serve("index.html") }
    router.head("/") { _, _ in serve("index.html") }
    router.get(":name") { _, context in serve(context.parameters.get("name") ?? "") }
    router.head(":name") { _, context in serve(context.parameters.get("name") ?? "") }
    return router
}

/// A 308 to `origin` (same path and query) for a request addressed to another loopback name
/// of the app on the origin's own port, or nil. Only loopback names are moved (they are the ones
/// a newcomer mixes up); another port means something sits in front on purpose.
func loopbackRedirect(_ request: Request, to origin: String) -> Response? {
    guard let authority = request.head.authority, let canonical = URLReference(origin).authority,
        authority.lowercased() != canonical.lowercased(), port(of: authority) == port(of: canonical),
        isLoopbackName(host(of: authority)), isLoopbackName(host(of: canonical))
    else { return nil }
    let target = origin + request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
    return Response(status: .permanentRedirect, headers: [.location: target, .cacheControl: "no-store"])
}

private func host(of authority: String) -> String {
    if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return String(authority[...end]).lowercased() }
    return String(authority.prefix { $0 != ":" }).lowercased()
}

private func port(of authority: String) -> Substring {
    let afterHost = authority.hasPrefix("[") ? authority.drop { $0 != "]" } : Substring(authority)
    return afterHost.firstIndex(of: ":").map { afterHost[afterHost.index(after: $0)...] } ?? ""
}

private func isLoopbackName(_ host: String) -> Bool {
    host == "localhost" || host == "localhost." || host == "[::1]" || host.hasPrefix("127.")
}

private func headers(contentType: String, policy: String) -> HTTPFields {
    [
        .contentType: contentType,
        .cacheControl: "no-cache",
        .contentSecurityPolicy: policy,
        HTTPField.Name("Cross-Origin-Opener-Policy")!: "same-origin",
    ]
}
