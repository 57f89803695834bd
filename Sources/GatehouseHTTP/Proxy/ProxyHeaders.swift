import GatehouseCore
import GatehouseSessions
public import HTTPTypes

/// What crosses the proxy in each direction, header by header.
///
/// To the upstream: the client's headers less hop-by-hop ones (RFC 9110 §7.6.1, and those named
/// in `Connection`), less every `X-Gatehouse-*` the client sent (only Gatehouse sets those), less
/// our two cookies; then the user's access token, their identity, and `X-Forwarded-*`. Back to
/// the client: the upstream's headers less hop-by-hop ones, less `Set-Cookie` for our cookies and
/// less its own CORS (ours is added at the edge).
public enum ProxyHeaders {
    /// Hop-by-hop headers (and `Expect`, `Host`, `Content-Length`: the proxy's own framing sets them).
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "expect", "host", "content-length",
    ]

    /// The identity headers Gatehouse sets for the upstream.
    public static let sub = HTTPField.Name("X-Gatehouse-Sub")!
    /// The username.
    public static let username = HTTPField.Name("X-Gatehouse-Username")!
    /// The groups, comma-separated (empty when none).
    public static let groups = HTTPField.Name("X-Gatehouse-Groups")!

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    /// Who the upstream is told the request is from.
    public struct Forwarding: Sendable {
        /// The access token for `Authorization: Bearer`.
        public var accessToken: String
        /// The user's `sub`, username and groups.
        public var sub: String
        /// The username; empty for an app client's own token (`client_credentials`), whose `sub` is the client id.
        public var username: String
        /// The groups.
        public var groups: [String]
        /// The client's address, when known.
        public var clientAddress: String?
        /// The `Host` the client addressed.
        public var host: String?

        /// A forwarding identity.
        public init(accessToken: String, sub: String, username: String, groups: [String], clientAddress: String?, host: String?) {
            self.accessToken = accessToken
            self.sub = sub
            self.username = username
            self.groups = groups
            self.clientAddress = clientAddress
            self.host = host
        }
    }

    /// The headers to send upstream for a request with `headers`, from `forwarding`.
    public static func upstream(_ headers: HTTPFields, forwarding: Forwarding) -> HTTPFields {
        let dropped = droppedNames(headers)
        var out = HTTPFields()
        out.reserveCapacity(headers.count + 8)
        var cookies: [Substring] = []
        var chain: [String] = []
        for field in headers {
            let name = field.name.canonicalName
            if dropped.contains(name) || name.hasPrefix("x-gatehouse-") || name == "authorization" { continue }
            switch name {
            case "cookie":
                for pair in field.value.split(separator: ";") {
                    let pair = pair.drop { $0 == " " || $0 == "\t" }
                    if !isOurs(cookie: pair) { cookies.append(pair) }
                }
            case "x-forwarded-for":
                // The chain the client brought; Gatehouse adds the address it saw.
                chain.append(field.value)
            case "x-forwarded-proto", "x-forwarded-host":
                // Set below from what Gatehouse knows, never passed on as the client wrote them.
                continue
            default:
                out.append(field)
            }
        }
        // The names below were all left out above, so appending cannot duplicate them.
        if !cookies.isEmpty { out.append(HTTPField(name: .cookie, value: cookies.joined(separator: "; "))) }
        out.append(HTTPField(name: .authorization, value: "Bearer " + forwarding.accessToken))
        out.append(HTTPField(name: sub, value: forwarding.sub))
        // A client's own token (client_credentials) has no user: the header is left out.
        if !forwarding.username.isEmpty { out.append(HTTPField(name: username, value: forwarding.username)) }
        out.append(HTTPField(name: groups, value: forwarding.groups.joined(separator: ",")))
        if let address = forwarding.clientAddress {
            chain.append(address)
            out.append(HTTPField(name: forwardedFor, value: chain.joined(separator: ", ")))
        }
        out.append(HTTPField(name: forwardedProto, value: "http"))
        if let host = forwarding.host { out.append(HTTPField(name: forwardedHost, value: host)) }
        return out
    }

    /// The upstream's response headers as the client gets them.
    public static func downstream(_ headers: HTTPFields) -> HTTPFields {
        let dropped = droppedNames(headers).subtracting(["content-length"])
        var out = HTTPFields()
        for field in headers {
            let name = field.name.canonicalName
            if dropped.contains(name) || name.hasPrefix("access-control-") { continue }
            if name == "set-cookie", isOurs(cookie: Substring(field.value)) { continue }
            out.append(field)
        }
        return out
    }

    /// Hop-by-hop names, with those the message's `Connection` headers name.
    static func droppedNames(_ headers: HTTPFields) -> Set<String> {
        guard headers.contains(.connection) else { return hopByHop }
        var names = hopByHop
        for value in headers[values: .connection] {
            for token in value.split(separator: ",") { names.insert(token.trimmingASCIIWhitespace().lowercased()) }
        }
        return names
    }

    /// Whether a `Cookie` pair or a `Set-Cookie` value is one of Gatehouse's own cookies.
    package static func isOurs(cookie: Substring) -> Bool {
        let name = cookie.prefix { $0 != "=" }.trimmingASCIIWhitespace()
        return name == SessionService.sessionCookie || name == SessionService.loginCookie
    }
}
