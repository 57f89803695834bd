public import NIOCore

/// An event loop as a task executor (SE-0417): a task that prefers it runs its nonisolated work
/// on that loop's thread, so a request's handler continues on the thread that read it instead of
/// hopping to the cooperative pool and back. The supported way to the speed that once took a
/// private runtime hook: `withTaskExecutorPreference(EventLoopTaskExecutor(loop)) { … }`.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop jobs run on.
    public let eventLoop: any EventLoop

    /// An executor running jobs on `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the event loop, as the generic executor of its task.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
