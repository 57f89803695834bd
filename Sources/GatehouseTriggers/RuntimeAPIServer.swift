import GatehouseHTTP
import LocalPool
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The Lambda Runtime API (`2018-06-01`) of one runtime process of a local trigger function
/// (its `slot`), on its own loopback port, seen from the process's side: `GET …/invocation/next`
/// hands over the next event with its request id and deadline, `POST …/invocation/ID/response`
/// and `…/ID/error` settle it, `POST …/init/error` reports a runtime that could not start (it
/// exits, and is restarted). The process starts once the server runs and is wanted (slot 0 at
/// once, the others when calls overlap), and stops with the server.
final class RuntimeAPIServer: Service, Sendable {
    private struct Slot {
        var process: FunctionProcess?
        var wanted: Bool
        var started = false
        /// Whether its process asked for an event yet (a started process that has not is booting).
        var polled = false
    }

    let function: LocalFunction
    let slot: Int
    let region: String
    let logger: Logger
    private let state: Mutex<Slot>

    init(function: LocalFunction, slot: Int, region: String, logger: Logger) {
        self.function = function
        self.slot = slot
        self.region = region
        self.logger = logger
        self.state = Mutex(Slot(wanted: slot == 0))
    }

    /// Kills the process when an invocation outlived its deadline.
    func restartProcess() { state.withLock { $0.process }?.restart() }

    /// Whether this slot's process was asked for but has not asked for an event yet.
    var isBooting: Bool { state.withLock { $0.wanted && !$0.polled } }

    /// Starts this slot's process, once; false when it was started (or asked for) before.
    @discardableResult
    func startProcess() -> Bool {
        let (process, first): (FunctionProcess?, Bool) = state.withLock { slot in
            guard !slot.wanted else { return (nil, false) }
            slot.wanted = true
            guard let process = slot.process else { return (nil, true) }
            slot.started = true
            return (process, true)
        }
        process?.start()
        return first
    }

    /// Notes that the process asked for an event: it is no longer booting.
    func polled() { state.withLock { $0.polled = true } }

    func run() async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                // Parse errors answered 400; a pipelined request waits for the answer before it.
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    // The connection's own address is the listener's: its Host, and nothing else, is allowed.
                    let allowed = AllowedHosts.listening(host: "127.0.0.1", port: channel.localAddress?.port ?? 0)
                    try channel.pipeline.syncOperations.addHandler(RuntimeAPIHandler(server: self, allowed: allowed))
                }
            }
        let listener = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        let port = listener.localAddress?.port ?? 0
        let made = FunctionProcess(function: function, slot: slot, runtimeAPI: "127.0.0.1:\(port)", region: region, logger: logger)
        let wanted = state.withLock { state in
            state.process = made
            state.started = state.wanted
            return state.wanted
        }
        if wanted { made.start() }
        defer { made.stop() }
        // The runtime's `next` long poll is an open request: the process is stopped, and pending
        // polls answered, rather than waited for.
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await listener.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            made.stop()
            self.function.close()
            listener.close(promise: nil)
        }
    }
}

/// A local trigger function's processes: one Runtime API server per slot, up to the function's
/// ``LocalFunction/processLimit``; the first process runs from the start, another starts each
/// time a call finds every running one busy.
struct FunctionPool: Sendable {
    let function: LocalFunction
    let servers: [RuntimeAPIServer]

    init(function: LocalFunction, region: String, logger: Logger) {
        let servers = (0..<function.processLimit).map { RuntimeAPIServer(function: function, slot: $0, region: region, logger: logger) }
        function.onBacklog { queued in
            // Processes still booting will take the first queued calls; past them, the first slot
            // not yet asked for. When all run, the call waits its turn.
            guard queued > servers.filter(\.isBooting).count else { return }
            for server in servers where server.startProcess() { return }
        }
        self.function = function
        self.servers = servers
    }
}
