import GatehouseHTTP
import NIOCore
import NIOEmbedded
import Testing

/// `FlushAtEndOfTick` between a recorder (towards the socket) and the channel's writers.
struct FlushAtEndOfTickTests {
    /// What reaches the socket's side of the pipeline, in order.
    final class Recorder: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var events: [String] = []

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            events.append("write " + String(buffer: unwrapOutboundIn(data)))
            context.write(data, promise: promise)
        }

        func flush(context: ChannelHandlerContext) {
            events.append("flush")
            context.flush()
        }

        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            events.append("close")
            context.close(mode: mode, promise: promise)
        }
    }

    func channel() throws -> (EmbeddedChannel, Recorder, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        let recorder = Recorder()
        try channel.pipeline.syncOperations.addHandlers([recorder, FlushAtEndOfTick()])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, recorder, loop)
    }

    @Test func flushesWaitForTheQueuedWorkAndBecomeOne() throws {
        let (channel, recorder, loop) = try channel()
        // Work already queued on the loop (another connection's response, say) runs before the flush.
        var queuedWorkSawFlush = true
        loop.execute { queuedWorkSawFlush = recorder.events.contains("flush") }
        channel.write(ByteBuffer(string: "a"), promise: nil)
        channel.flush()
        channel.write(ByteBuffer(string: "b"), promise: nil)
        channel.flush()
        #expect(recorder.events == ["write a", "write b"])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)

        loop.run()
        #expect(!queuedWorkSawFlush)
        #expect(recorder.events == ["write a", "write b", "flush"])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "a"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "b"))

        // The next flush is held back again.
        channel.write(ByteBuffer(string: "c"), promise: nil)
        channel.flush()
        #expect(recorder.events.last == "write c")
        loop.run()
        #expect(recorder.events.suffix(2) == ["write c", "flush"])
        _ = try channel.finish()
    }

    @Test func aCloseFlushesWhatWasWrittenFirst() throws {
        let (channel, recorder, loop) = try channel()
        let written = loop.makePromise(of: Void.self)
        var outcome: Result<Void, any Error>?
        written.futureResult.whenComplete { outcome = $0 }
        channel.write(ByteBuffer(string: "last response"), promise: written)
        channel.flush()
        channel.close(promise: nil)
        #expect(recorder.events == ["write last response", "flush", "close"])
        loop.run()
        // Flushed, so written out, not failed by the close.
        #expect(throws: Never.self) { try outcome?.get() }
        #expect(outcome != nil)
        #expect(recorder.events == ["write last response", "flush", "close"])
    }

    @Test func removalFlushesWhatWasWrittenFirst() throws {
        let (channel, recorder, loop) = try channel()
        channel.write(ByteBuffer(string: "x"), promise: nil)
        channel.flush()
        let handler = try channel.pipeline.syncOperations.handler(type: FlushAtEndOfTick.self)
        try channel.pipeline.syncOperations.removeHandler(handler).wait()
        #expect(recorder.events == ["write x", "flush"])
        loop.run()
        #expect(recorder.events == ["write x", "flush"])
        _ = try channel.finish()
    }
}
