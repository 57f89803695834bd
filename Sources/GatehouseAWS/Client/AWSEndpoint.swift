/// Where an AWS service is reached: scheme, host and port, split from a URL such as
/// `https://cognito-idp.us-east-1.amazonaws.com` or `http://127.0.0.1:5000`.
public struct AWSEndpoint: Sendable, Equatable {
    /// `http` or `https`.
    public let scheme: String
    /// The host header value: host, plus `:port` when not the scheme's default.
    public let host: String
    /// The path prefix (usually empty).
    public let basePath: String

    /// Parses `url`; returns nil for anything but an absolute http(s) URL without query or fragment.
    public init?(url: String) {
        let lower = url.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        let rest = url.dropFirst(scheme.count + 3)
        guard !rest.contains("?"), !rest.contains("#"), !rest.contains("@") else { return nil }
        let hostPart = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(hostPart.count))
        while path.hasSuffix("/") { path.removeLast() }
        guard !hostPart.isEmpty else { return nil }
        var host = String(hostPart).lowercased()
        if scheme == "https", host.hasSuffix(":443") { host.removeLast(4) }
        if scheme == "http", host.hasSuffix(":80") { host.removeLast(3) }
        self.scheme = scheme
        self.host = host
        self.basePath = path
    }

    /// The endpoint the AWS SDKs would use for a service: its own variable
    /// (`AWS_ENDPOINT_URL_{SERVICE}`), else `AWS_ENDPOINT_URL`, else
    /// `https://{hostPrefix}.{region}.amazonaws.com`; nil when an override is not a URL.
    public static func sdk(variable: String, hostPrefix: String, environment: [String: String], region: String) -> AWSEndpoint? {
        for name in [variable, "AWS_ENDPOINT_URL"] {
            if let value = environment[name], !value.isEmpty { return AWSEndpoint(url: value) }
        }
        return AWSEndpoint(url: "https://\(hostPrefix).\(region).amazonaws.com")
    }

    /// The URL of `path` (which starts with `/`) on this endpoint.
    public func url(path: String) -> String {
        "\(scheme)://\(host)\(basePath)\(path)"
    }
}
