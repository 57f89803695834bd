import Atomics
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Swift concurrency's global executor on NIO's event loops, each job run as the generic executor.
///
/// With the global executor on the event loops, a handler continues on the thread that read its
/// request instead of hopping to the cooperative pool and back. NIO offers that itself
/// (`unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`), but runs every job
/// *isolated to the loop's serial executor*. The first hop of a nonisolated async function to the
/// generic executor then cannot continue inline: the runtime enqueues the rest of the task again,
/// one trip through the loop's task queue per hop, several per request. Run as the generic
/// executor, as the runtime's own pool runs them, those hops continue inline (swift_task_switch
/// finds nothing to switch). Jobs go to the loop of the thread that enqueues them when that is
/// one of the group's, else to the group's next loop.
public enum EventLoopExecutor {
    private static let group = MultiThreadedEventLoopGroup.singleton

    /// The runtime's reference to the generic executor: no identity, no implementation
    /// (`SerialExecutorRef::generic()`).
    private static let generic = unsafeBitCast((UInt(0), UInt(0)), to: UnownedSerialExecutor.self)

    private typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Makes `MultiThreadedEventLoopGroup.singleton` the global executor. Call once, first thing
    /// in `main`; false when the runtime has no hook or another one is installed already (jobs
    /// then keep running where they did).
    @discardableResult
    public static func installAsGlobal() -> Bool {
        guard MemoryLayout<UnownedSerialExecutor>.size == 2 * MemoryLayout<UInt>.size,
            let address = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook")
        else { return false }
        let slot = UnsafeAtomic<UnsafeRawPointer?>(at: address.assumingMemoryBound(to: UnsafeRawPointer?.AtomicRepresentation.self))
        return withUnsafeTemporaryAllocation(of: EnqueueHook.self, capacity: 1) { hook in
            // A closure that captures nothing converts to the thin function the runtime calls.
            hook.baseAddress!.initialize(to: { job, _ in EventLoopExecutor.enqueue(job) })
            return hook.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { function in
                slot.compareExchange(expected: nil, desired: function.pointee, ordering: .sequentiallyConsistent).exchanged
            }
        }
    }

    private static func enqueue(_ job: UnownedJob) {
        group.any().execute { job.runSynchronously(on: generic) }
    }
}
