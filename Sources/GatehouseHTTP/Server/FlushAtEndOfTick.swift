package import NIOCore

/// Holds a connection's flush back until its event loop has run the work already queued on it,
/// so the responses one loop finishes go out together (flush consolidation, as Netty's
/// `FlushConsolidationHandler` does within a connection, here across them).
///
/// Every flush still happens, in order, within the same loop turn; what changes is when: a loop
/// busy verifying tokens for other connections writes its finished responses back to back, and a
/// client waiting on several of them is woken once instead of once per response. The price: a
/// response waits for the work its own request queued after it (Hummingbird asking for the next
/// request). The README's benchmark section has the figures of both.
///
/// A close, or the handler's removal, flushes first, so nothing written is lost to it.
package final class FlushAtEndOfTick: ChannelOutboundHandler, RemovableChannelHandler {
    package typealias OutboundIn = NIOAny
    package typealias OutboundOut = NIOAny

    /// A flush is queued on the loop and has not run yet.
    private var pending = false

    package init() {}

    package func flush(context: ChannelHandlerContext) {
        guard !pending else { return }
        pending = true
        // On the loop already (flush is called there); the closure runs there too.
        context.eventLoop.assumeIsolatedUnsafeUnchecked().execute {
            self.flushIfPending(context: context)
        }
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        flushIfPending(context: context)
        context.close(mode: mode, promise: promise)
    }

    package func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        flushIfPending(context: context)
        context.leavePipeline(removalToken: removalToken)
    }

    private func flushIfPending(context: ChannelHandlerContext) {
        guard pending else { return }
        pending = false
        context.flush()
    }
}
