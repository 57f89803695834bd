import GatehouseHTTP
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The global executor on NIO's loops. Each test installs it in a child process of its own (an
/// exit test), so the other tests keep the runtime's pool; a check that fails exits with its
/// own status.
struct EventLoopExecutorTests {
    @Test func tasksRunOnTheEventLoopsAndTheHookIsInstalledOnce() async {
        await #expect(processExitsWith: .success) {
            func check(_ condition: Bool, _ status: Int32) { if !condition { exit(status) } }
            check(EventLoopExecutor.installAsGlobal(), 10)
            check(!EventLoopExecutor.installAsGlobal(), 11)
            let onLoop = await Task.detached { MultiThreadedEventLoopGroup.currentEventLoop != nil }.value
            check(onLoop, 12)
        }
    }

    @Test func hopsToTheGenericExecutorContinueInline() async {
        await #expect(processExitsWith: .success) {
            func check(_ condition: Bool, _ status: Int32) { if !condition { exit(status) } }
            check(EventLoopExecutor.installAsGlobal(), 10)
            let (markerRan, total) = await Task.detached {
                // A marker queued on this loop can only run once the task lets go of the thread.
                // Each call below hops to the generic executor on entry; run as that executor
                // already, no hop may go back through the loop's queue (with the jobs isolated to
                // the loop, the first would, and the marker would run in the middle).
                let marker = NIOLockedValueBox(false)
                MultiThreadedEventLoopGroup.currentEventLoop!.execute { marker.withLockedValue { $0 = true } }
                var total = 0
                for value in 1...200 { total += await NonisolatedWork.double(value) }
                return (marker.withLockedValue { $0 }, total)
            }.value
            check(total == 40_200, 20)
            check(!markerRan, 21)
        }
    }

    @Test func aTaskResumedFromAnotherThreadContinuesOnALoop() async {
        await #expect(processExitsWith: .success) {
            func check(_ condition: Bool, _ status: Int32) { if !condition { exit(status) } }
            check(EventLoopExecutor.installAsGlobal(), 10)
            let resumed = await Task.detached {
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
                return (value, MultiThreadedEventLoopGroup.currentEventLoop != nil)
            }.value
            check(resumed.0 == 7, 30)
            check(resumed.1, 31)
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
