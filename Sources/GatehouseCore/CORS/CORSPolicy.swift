/// Which browser origins may read the API's responses, and the headers that say so.
public struct CORSPolicy: Sendable {
    /// Origins allowed, as `scheme://host[:port]` (configured values are lowercased and lose a
    /// trailing slash); a request's `Origin` must equal one byte for byte, as browsers send it.
    public let allowedOrigins: Set<String>
    /// Methods a preflight may ask for.
    public let allowedMethods: [String]
    /// Request headers a preflight may ask for (lowercase).
    public let allowedHeaders: [String]
    /// Response headers scripts may read.
    public let exposedHeaders: [String]
    /// Seconds a browser may cache a preflight.
    public let maxAge: Int
    /// Whether a preflight may ask for any request header (an app's own API chooses its
    /// headers); the answer then names exactly those asked for.
    public let allowsAnyRequestHeader: Bool
    /// Whether responses may be read with credentials (`Access-Control-Allow-Credentials`):
    /// the API's cookie requests need it; the local pool's token endpoints do not.
    public let allowsCredentials: Bool

    /// A policy allowing `allowedOrigins`.
    public init(
        allowedOrigins: some Sequence<String>,
        allowedMethods: [String] = ["GET", "POST", "OPTIONS"],
        allowedHeaders: [String] = ["authorization", "content-type", "x-csrf", "x-request-id"],
        exposedHeaders: [String] = ["WWW-Authenticate", "Retry-After", "X-Request-Id"],
        maxAge: Int = 600,
        allowsAnyRequestHeader: Bool = false,
        allowsCredentials: Bool = true
    ) {
        self.allowedOrigins = Set(allowedOrigins.map(Self.normalized))
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.maxAge = maxAge
        self.allowsAnyRequestHeader = allowsAnyRequestHeader
        self.allowsCredentials = allowsCredentials
    }

    /// The policy for the app's own APIs behind the proxy: the same origins, every usual
    /// method, any request header, and the response headers apps read most.
    public var forUpstreams: CORSPolicy {
        CORSPolicy(
            allowedOrigins: allowedOrigins,
            allowedMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allowedHeaders: allowedHeaders,
            exposedHeaders: exposedHeaders + ["ETag", "Location", "Content-Disposition", "Last-Modified", "Link"],
            maxAge: maxAge,
            allowsAnyRequestHeader: true
        )
    }

    /// Whether `origin` is allowed: exactly one of the allowed origins. Another case, a trailing
    /// slash or another port is another origin, gets no grant and is never echoed.
    public func allows(origin: String) -> Bool {
        allowedOrigins.contains(origin)
    }

    /// Headers for a normal (non-preflight) response to a request from `origin`.
    ///
    /// `Vary: Origin` is always due, since the answer depends on the origin.
    public func responseHeaders(origin: String?) -> [(String, String)] {
        guard let origin, allows(origin: origin) else { return [("Vary", "Origin")] }
        return [("Access-Control-Allow-Origin", origin)] + (allowsCredentials ? [("Access-Control-Allow-Credentials", "true")] : [])
            + [("Access-Control-Expose-Headers", exposedHeaders.joined(separator: ", ")), ("Vary", "Origin")]
    }

    /// The outcome of a preflight request.
    public enum Preflight: Equatable, Sendable {
        /// Allowed: answer 204 with these headers.
        case allowed([String: String])
        /// Refused: the origin, method or a header is not allowed.
        case refused
    }

    /// Decides a preflight from `origin` asking for `method` and `requestHeaders` (comma-separated).
    public func preflight(origin: String, method: String?, requestHeaders: String?) -> Preflight {
        guard allows(origin: origin) else { return .refused }
        guard let method, allowedMethods.contains(method.uppercased()) else { return .refused }
        let asked = (requestHeaders ?? "").split(separator: ",")
            .map { $0.trimmingASCIIWhitespace().lowercased() }
            .filter { !$0.isEmpty }
        let tokenCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~")
        guard asked.allSatisfy({ allowedHeaders.contains($0) || (allowsAnyRequestHeader && $0.allSatisfy(tokenCharacters.contains)) }) else {
            return .refused
        }
        var headers = [
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": allowedMethods.joined(separator: ", "),
            "Access-Control-Allow-Headers": (allowsAnyRequestHeader ? Array(Set(allowedHeaders + asked)).sorted() : allowedHeaders).joined(
                separator: ", "
            ),
            "Access-Control-Max-Age": String(maxAge),
            "Vary": "Origin",
        ]
        if allowsCredentials { headers["Access-Control-Allow-Credentials"] = "true" }
        return .allowed(headers)
    }

    static func normalized(_ origin: String) -> String {
        var text = origin.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
