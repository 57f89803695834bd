import NIOCore
import Synchronization

/// Where an upstream connection goes: scheme, host and port.
public struct UpstreamOrigin: Hashable, Sendable {
    /// Whether it is https.
    public let tls: Bool
    /// The host name or address (IPv6 without brackets).
    public let host: String
    /// The port.
    public let port: Int

    /// The origin of `scheme://authority` (IPv6 literals in brackets); nil when malformed.
    public init?(scheme: String, authority: String) {
        guard scheme == "http" || scheme == "https" else { return nil }
        tls = scheme == "https"
        var host = Substring(authority)
        var port = tls ? 443 : 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else { return nil }
                port = number
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }
}

/// An open connection and its handler.
struct UpstreamConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<UpstreamHandler>
}

/// Idle keep-alive connections by origin and event loop: a request takes one of its own loop's,
/// so it never crosses threads. At most `limit` idle per origin and loop; more are closed.
final class UpstreamPool: Sendable {
    private struct Key: Hashable {
        let origin: UpstreamOrigin
        let loop: ObjectIdentifier
    }

    private let idle = Mutex<[Key: [UpstreamConnection]]>([:])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// An idle connection to `origin` on `loop` that is still open, if any.
    func take(_ origin: UpstreamOrigin, on loop: any EventLoop) -> UpstreamConnection? {
        let key = Key(origin: origin, loop: ObjectIdentifier(loop))
        return idle.withLock { idle in
            while let connection = idle[key]?.popLast() {
                if connection.channel.isActive { return connection }
            }
            return nil
        }
    }

    /// Puts `connection` back for the next request (or closes it when enough are idle).
    func put(_ connection: UpstreamConnection, origin: UpstreamOrigin) {
        let key = Key(origin: origin, loop: ObjectIdentifier(connection.channel.eventLoop))
        let kept = idle.withLock { idle in
            guard idle[key, default: []].count < limit else { return false }
            idle[key, default: []].append(connection)
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    /// Forgets `channel` (it closed).
    func remove(_ channel: any Channel, origin: UpstreamOrigin) {
        let key = Key(origin: origin, loop: ObjectIdentifier(channel.eventLoop))
        idle.withLock { idle in idle[key]?.removeAll { $0.channel === channel } }
    }

    /// Closes every idle connection.
    func closeAll() async {
        let all = idle.withLock { idle in
            defer { idle = [:] }
            return idle.values.flatMap(\.self)
        }
        for connection in all { try? await connection.channel.close() }
    }
}
