import CoreMetrics
import Foundation
import GatehouseHTTP
import GatehouseTriggers
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle

extension Serve {
    /// The ports this run will listen on, with the flag that moves each.
    func listeningPorts(localPool: Bool) -> [(port: Int, flag: String)] {
        var ports = [(port, "--port")]
        if localPool { ports += [(poolPort, "--pool-port"), (appPort, "--app-port")] }
        if let metricsPort { ports.append((metricsPort, "--metrics-port")) }
        return ports
    }

    /// Fails before anything is announced or started when ports are taken or named twice,
    /// naming every such port at once, each with the flag that moves it.
    func checkPortsAreFree(_ ports: [(port: Int, flag: String)]) async {
        var seen: [Int: String] = [:]
        var problems: [String] = []
        for (port, flag) in ports where port != 0 {
            if let other = seen[port] {
                problems.append("\(other) and \(flag) are both \(port); give each server its own port")
                continue
            }
            seen[port] = flag
            let address = flag == "--metrics-port" ? "127.0.0.1" : host
            do {
                let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: address, port: port)
                    .get()
                try await channel.close()
            } catch {
                problems.append("cannot listen on \(address):\(port) (\(flag)): \(Self.reason(error)); choose another port with \(flag)")
            }
        }
        if !problems.isEmpty { fail(problems.joined(separator: "\ngatehouse: ")) }
    }

    private static func reason(_ error: any Error) -> String {
        if let io = error as? IOError, io.errnoCode == EADDRINUSE { return "the port is already in use" }
        return "\(error)"
    }

    /// Bootstraps swift-metrics with a Prometheus registry and returns the server of its text
    /// format at `GET /metrics` on 127.0.0.1:`port` (never a public address, never the API port).
    func metricsServer(port: Int, limits: ServerLimits, logger: Logger) -> some Service {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[TriggerFunctions.durationMetric] = TriggerFunctions.durationBuckets
        MetricsSystem.bootstrap(factory)
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        return limits.application(
            router,
            host: "127.0.0.1",
            port: port,
            serverName: "gatehouse-metrics",
            allowed: .listening(host: "127.0.0.1", port: port),
            logger: logger
        )
    }
}
