public import GatehouseCore
import NIOCore
public import NIOSSL

/// One of the app's APIs behind Gatehouse: requests under ``prefix`` go to ``target``.
public struct Upstream: Sendable, Equatable {
    /// The path prefix it answers, starting and ending with `/` (`/orders/`).
    public let prefix: String
    /// Where requests go: `scheme://host[:port]` and a base path ending with `/`.
    public let target: URLReference
    /// Groups any of which admits a user (`--upstream-require`); empty: every signed-in user.
    public var requiredGroups: [String]

    /// Where connections go; nil only for a target that is not `http(s)://host[:port]`.
    public let endpoint: UpstreamOrigin?

    /// `scheme://authority`, the origin requests are sent to.
    public var origin: String { "\(target.scheme ?? "http")://\(target.authority ?? "")" }
    /// The base path, ending with `/`.
    public var basePath: String { target.path }

    /// An upstream; `target` must be valid (``ProxySettings/parse(upstreams:requirements:timeout:environment:)`` checks).
    public init(prefix: String, target: URLReference, requiredGroups: [String] = []) {
        self.prefix = prefix
        self.target = target
        self.requiredGroups = requiredGroups
        endpoint = UpstreamOrigin(scheme: target.scheme ?? "", authority: target.authority ?? "")
    }
}

/// The reverse proxy's configuration: `--upstream PREFIX=URL` (or `GATEHOUSE_UPSTREAMS`),
/// `--upstream-require PREFIX=group:NAME` and `--upstream-timeout SECONDS`.
public struct ProxySettings: Sendable, Equatable {
    /// The upstreams, longest prefix first.
    public let upstreams: [Upstream]
    /// Seconds to wait for an upstream's response head.
    public let timeout: Double
    /// Certificate authorities trusted for https upstreams besides the system's (`--upstream-ca`).
    public let trustRoots: [NIOSSLCertificate]

    /// Names of the environment variables read.
    public enum Variable {
        /// `GATEHOUSE_UPSTREAMS`: comma-separated `PREFIX=URL` pairs.
        public static let upstreams = "GATEHOUSE_UPSTREAMS"
        /// `GATEHOUSE_UPSTREAM_CA`: a PEM file of certificate authorities for https upstreams.
        public static let trustRoots = "GATEHOUSE_UPSTREAM_CA"
    }

    /// ``timeout`` for NIO's timers.
    var timeoutAmount: TimeAmount { .milliseconds(Int64(timeout * 1000)) }

    /// The default time to the response head, in seconds.
    public static let defaultTimeout: Double = 30

    /// Paths the API answers itself: no prefix may overlap them.
    public static let reservedPaths = ["/auth/", "/userinfo", "/healthz", "/metrics", "/.well-known/"]

    /// Settings from their parts.
    public init(upstreams: [Upstream], timeout: Double = Self.defaultTimeout, trustRoots: [NIOSSLCertificate] = []) {
        self.upstreams = upstreams.sorted { $0.prefix.count > $1.prefix.count }
        self.timeout = timeout
        self.trustRoots = trustRoots
    }

    /// No upstreams: the proxy is off.
    public static let off = ProxySettings(upstreams: [])

    /// The upstream whose prefix `path` starts with, if any.
    public func upstream(for path: String) -> Upstream? {
        upstreams.first { path.hasPrefix($0.prefix) }
    }

    /// Reads `upstreams` (each `PREFIX=URL`; with none, `GATEHOUSE_UPSTREAMS`, comma-separated),
    /// `requirements` (each `PREFIX=group:NAME`), `timeout` (seconds, default 30) and
    /// `trustRootsFile` (a PEM file of certificate authorities; with none, `GATEHOUSE_UPSTREAM_CA`).
    /// Any problem stops start-up with a message naming the flag or variable.
    public static func parse(
        upstreams flags: [String],
        requirements: [String] = [],
        timeout: Double? = nil,
        trustRootsFile: String? = nil,
        environment: [String: String] = [:]
    ) throws(ConfigurationError) -> ProxySettings {
        let (source, pairs): (String, [String]) =
            flags.isEmpty
            ? (
                Variable.upstreams,
                environment[Variable.upstreams].map { $0.split(separator: ",").map { String($0.trimmingASCIIWhitespace()) } } ?? []
            )
            : ("--upstream", flags)
        var upstreams: [Upstream] = []
        for pair in pairs where !pair.isEmpty {
            let upstream = try parseUpstream(pair, source: source)
            if let clash = upstreams.first(where: { $0.prefix.hasPrefix(upstream.prefix) || upstream.prefix.hasPrefix($0.prefix) }) {
                throw ConfigurationError(variable: source, problem: "prefix \(upstream.prefix) overlaps prefix \(clash.prefix)")
            }
            upstreams.append(upstream)
        }
        for requirement in requirements {
            guard let equals = requirement.firstIndex(of: "="), requirement[requirement.index(after: equals)...].hasPrefix("group:") else {
                throw ConfigurationError(variable: "--upstream-require", problem: "\"\(requirement)\" is not PREFIX=group:NAME")
            }
            let prefix = String(requirement[..<equals])
            let group = String(requirement[requirement.index(after: equals)...].dropFirst("group:".count))
            guard !group.isEmpty, let index = upstreams.firstIndex(where: { $0.prefix == prefix }) else {
                throw ConfigurationError(variable: "--upstream-require", problem: "\(prefix) is no --upstream prefix, or the group is empty")
            }
            upstreams[index].requiredGroups.append(group)
        }
        let seconds = timeout ?? defaultTimeout
        guard seconds > 0, seconds <= 3600 else {
            throw ConfigurationError(variable: "--upstream-timeout", problem: "must be 1 to 3600 seconds")
        }
        var trustRoots: [NIOSSLCertificate] = []
        if let file = trustRootsFile ?? environment[Variable.trustRoots], !file.isEmpty {
            let source = trustRootsFile == nil ? Variable.trustRoots : "--upstream-ca"
            do {
                trustRoots = try NIOSSLCertificate.fromPEMFile(file)
            } catch {
                throw ConfigurationError(variable: source, problem: "\(file) is not a readable PEM file of certificates")
            }
            guard !trustRoots.isEmpty else { throw ConfigurationError(variable: source, problem: "\(file) holds no certificate") }
        }
        return ProxySettings(upstreams: upstreams, timeout: seconds, trustRoots: trustRoots)
    }

    static func parseUpstream(_ pair: String, source: String) throws(ConfigurationError) -> Upstream {
        guard let equals = pair.firstIndex(of: "=") else {
            throw ConfigurationError(variable: source, problem: "\"\(pair)\" is not PREFIX=URL")
        }
        let prefix = String(pair[..<equals])
        let url = String(pair[pair.index(after: equals)...])
        guard prefix.count >= 3, prefix.hasPrefix("/"), prefix.hasSuffix("/"), !prefix.contains("//"),
            !prefix.contains("?"), !prefix.contains("#"), !prefix.contains("%"),
            !prefix.split(separator: "/").contains(where: { $0 == "." || $0 == ".." })
        else {
            throw ConfigurationError(variable: source, problem: "prefix \"\(prefix)\" must start and end with / (like /orders/)")
        }
        if let reserved = reservedPaths.first(where: { prefix.hasPrefix($0) || $0.hasPrefix(prefix) || prefix.hasPrefix($0 + "/") }) {
            throw ConfigurationError(variable: source, problem: "prefix \(prefix) overlaps Gatehouse's own \(reserved)")
        }
        let target = URLReference(url)
        guard let scheme = target.scheme, scheme == "http" || scheme == "https", let authority = target.authority, !authority.isEmpty,
            !authority.contains("@"), target.query == nil, target.fragment == nil, target.path.hasPrefix("/") || target.path.isEmpty,
            UpstreamOrigin(scheme: scheme, authority: authority) != nil, UpstreamRequest.isValidTarget(target.path.isEmpty ? "/" : target.path)
        else {
            throw ConfigurationError(variable: source, problem: "\"\(url)\" is not an http(s)://host[:port]/base/ URL")
        }
        let base = target.path.isEmpty ? "/" : target.path
        guard base.hasSuffix("/") else {
            throw ConfigurationError(variable: source, problem: "\"\(url)\" must end with / (its base path)")
        }
        return Upstream(prefix: prefix, target: URLReference("\(scheme)://\(authority)\(base)"))
    }
}
