public import HummingbirdCore
public import Logging
public import NIOCore

/// A server's child channel whose connection task prefers the connection's event loop
/// (``EventLoopTaskExecutor``): reading requests, the responder and writing responses all run on
/// the loop that owns the socket, and so do the tasks they start.
public struct LoopPreferringChannel<Inner: ServerChildChannel>: ServerChildChannel {
    /// The channel set-up and handling wrapped.
    public let inner: Inner

    /// `inner`, its connections handled on their own loops.
    public init(_ inner: Inner) {
        self.inner = inner
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Inner.Value> {
        inner.setup(channel: channel, logger: logger)
    }

    public func handle(value: Inner.Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await inner.handle(value: value, logger: logger)
        }
    }
}
