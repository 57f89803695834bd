import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseHTTP
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `serve`'s reverse-proxy flags: the app's own APIs behind the sign-in.
struct ProxyOptions: ParsableArguments {
    @Option(
        name: .customLong("upstream"),
        help: ArgumentHelp(
            "The app's own API behind Gatehouse: requests under PREFIX (/orders/) go to URL (http://127.0.0.1:7001/v1/) with the user's access token and identity; repeatable (GATEHOUSE_UPSTREAMS: comma-separated).",
            valueName: "prefix=url"
        )
    )
    var upstreams: [String] = []

    @Option(
        name: .customLong("upstream-require"),
        help: ArgumentHelp("Only members of this group may use PREFIX; repeatable (any listed group admits).", valueName: "prefix=group:name")
    )
    var requirements: [String] = []

    @Option(help: "Seconds to wait for an upstream's response head (then 504).")
    var upstreamTimeout: Double?

    @Option(
        name: .customLong("upstream-ca"),
        help: ArgumentHelp(
            "A PEM file of certificate authorities trusted for https upstreams besides the system's (GATEHOUSE_UPSTREAM_CA).",
            valueName: "file"
        )
    )
    var upstreamCA: String?

    @Flag(help: "Also run a small demo API on loopback behind /demo-api/ (the demo app's second panel calls it).")
    var demoUpstream = false

    /// The proxy settings the flags (or `GATEHOUSE_UPSTREAMS`) ask for, with the demo API's.
    func settings(environment: [String: String], demo: String?) throws(ConfigurationError) -> ProxySettings {
        var flags = upstreams
        if let demo { flags.append("/demo-api/=\(demo)/") }
        // The demo's upstream alone must not hide GATEHOUSE_UPSTREAMS.
        if upstreams.isEmpty, demo != nil, let listed = environment[ProxySettings.Variable.upstreams] {
            flags += listed.split(separator: ",").map { String($0.trimmingASCIIWhitespace()) }
        }
        return try ProxySettings.parse(
            upstreams: flags,
            requirements: requirements,
            timeout: upstreamTimeout,
            trustRootsFile: upstreamCA,
            environment: environment
        )
    }
}

/// The demo's own API: what an app's backend sees behind Gatehouse. `GET /hello` answers with
/// the identity headers and whether a bearer token came; `GET /events` sends three server-sent
/// events a moment apart. It listens on loopback only: reachable through Gatehouse alone, so it
/// may trust the identity headers.
enum DemoUpstream {
    /// The demo API on a free loopback port: its base URL and its service.
    static func start(logger: Logger) async throws -> (url: String, service: any Service) {
        let port = try await freeLoopbackPort()
        let router = Router()
        router.get("/hello") { request, _ -> Response in
            let username = request.headers[ProxyHeaders.username] ?? ""
            var writer = JSONWriter()
            writer.add("message", "Hello, \(username)! This answer came from your own API, through Gatehouse.")
            writer.add("sub", request.headers[ProxyHeaders.sub])
            writer.add("username", username)
            writer.add("groups", request.headers[ProxyHeaders.groups]?.split(separator: ",").map(String.init) ?? [])
            writer.add("bearerTokenReceived", request.headers[.authorization]?.hasPrefix("Bearer ") == true)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.finish()))
            )
        }
        router.get("/events") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    for tick in 1...3 {
                        try await writer.write(ByteBuffer(string: "data: tick \(tick)\n\n"))
                        try await Task.sleep(for: .milliseconds(300))
                    }
                    try await writer.finish(nil)
                }
            )
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "gatehouse-demo-api"),
            logger: logger
        )
        return ("http://127.0.0.1:\(port)", app)
    }

    /// A loopback port nothing listens on now.
    private static func freeLoopbackPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
