import GatehouseHTTP
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Event loops as task executors (SE-0417): work of a task that prefers one runs on its thread,
/// and so does every connection of our servers.
struct EventLoopTaskExecutorTests {
    @Test func aPreferringTaskRunsOnTheLoopAcrossAwaits() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let (before, after, total) = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let before = loop.inEventLoop
            var total = 0
            for value in 1...50 { total += await NonisolatedWork.double(value) }
            return (before, loop.inEventLoop, total)
        }
        #expect(before && after && total == 2550)
    }

    @Test func hopsToNonisolatedCodeContinueInline() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let (markerRan, total) = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            // A marker queued on the loop can only run once the task lets go of the thread: no
            // call below may go back through the loop's queue.
            let marker = NIOLockedValueBox(false)
            loop.execute { marker.withLockedValue { $0 = true } }
            var total = 0
            for value in 1...200 { total += await NonisolatedWork.double(value) }
            return (marker.withLockedValue { $0 }, total)
        }
        #expect(total == 40_200)
        #expect(!markerRan)
    }

    @Test func aTaskResumedFromAnotherThreadContinuesOnItsLoop() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let (value, onLoop) = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let value = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
                var thread = pthread_t()
                let box = Unmanaged.passRetained(ContinuationBox(continuation))
                pthread_create(
                    &thread,
                    nil,
                    { argument in
                        Unmanaged<ContinuationBox>.fromOpaque(argument!).takeRetainedValue().continuation.resume(returning: 7)
                        return nil
                    },
                    box.toOpaque()
                )
                pthread_detach(thread)
            }
            return (value, loop.inEventLoop)
        }
        #expect(value == 7 && onLoop)
    }

    @Test func theServersHandleEachRequestOnItsConnectionsLoop() async throws {
        let router = Router()
        router.get("/where") { _, _ in MultiThreadedEventLoopGroup.currentEventLoop == nil ? "pool" : "loop" }
        let app = Application(router: router, server: ServerLimits.forProcess(servers: 1).server)
        try await app.test(.live) { client in
            for _ in 0..<5 {
                try await client.execute(uri: "/where", method: .get) { response in
                    #expect(String(buffer: response.body) == "loop")
                }
            }
        }
        // And without it, the same route runs on the runtime's pool: the check can tell them apart.
        let plain = Application(router: router, server: .http1())
        try await plain.test(.live) { client in
            try await client.execute(uri: "/where", method: .get) { response in
                #expect(String(buffer: response.body) == "pool")
            }
        }
    }
}

private enum NonisolatedWork {
    @inline(never)
    static func double(_ value: Int) async -> Int { value * 2 }
}

private final class ContinuationBox: Sendable {
    let continuation: CheckedContinuation<Int, Never>
    init(_ continuation: CheckedContinuation<Int, Never>) { self.continuation = continuation }
}
