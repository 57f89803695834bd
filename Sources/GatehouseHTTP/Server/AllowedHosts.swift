/// The `Host` values a server answers (DNS-rebinding defence): a page on another name that
/// resolves to 127.0.0.1 sends its own name as `Host` and is refused.
public struct AllowedHosts: Sendable, Equatable {
    /// Lowercased `host[:port]` authorities.
    public let authorities: Set<String>

    /// Exactly `authorities` (compared without case).
    public init(_ authorities: some Sequence<String>) {
        self.authorities = Set(authorities.map { $0.lowercased() })
    }

    /// The names of a server listening on `host:port`: that address, the loopback names when it
    /// listens on loopback or on every address, and `extra` (public names, `host[:port]`).
    public static func listening(host: String, port: Int, extra: [String] = []) -> AllowedHosts {
        var names = [authority(host: host, port: port)]
        let loopback = ["127.0.0.1", "localhost", "::1"]
        if loopback.contains(host.lowercased()) || host == "0.0.0.0" || host == "::" {
            names += loopback.map { authority(host: $0, port: port) }
        }
        return AllowedHosts(names + extra)
    }

    /// `host:port`, with brackets around an IPv6 address.
    static func authority(host: String, port: Int) -> String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// The `host[:port]` of an absolute http(s) URL, or nil.
    public static func authority(ofURL url: String) -> String? {
        let rest: Substring
        if url.lowercased().hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else if url.lowercased().hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        return authority.lowercased()
    }

    /// Whether a request with this `Host` (or `:authority`) is answered.
    public func allows(_ host: String?) -> Bool {
        guard let host, !host.isEmpty, host.utf8.count <= 255 else { return false }
        // Browsers send lowercase names: the exact lookup spares the copy on the hot path.
        return authorities.contains(host) || authorities.contains(host.lowercased())
    }
}
