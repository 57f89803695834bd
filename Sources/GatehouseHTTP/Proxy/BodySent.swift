import NIOCore
import Synchronization

/// Tells when a proxied request's body has been read to its end (and so sent on): the proxy's
/// timeout to the upstream's response head starts then.
final class BodySent: Sendable {
    private let state = Mutex<(done: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// Marks the body sent, waking whoever waits.
    func finish() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.done = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns once the body has been sent.
    func wait() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if !state.done { state.waiting.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    /// `body`, marking this sent when its last chunk has been read.
    func watching<Body: AsyncSequence & Sendable>(_ body: Body) -> Watched<Body> where Body.Element == ByteBuffer {
        Watched(body: body, sent: self)
    }

    /// A body that marks itself sent at its end.
    struct Watched<Body: AsyncSequence & Sendable>: AsyncSequence, Sendable where Body.Element == ByteBuffer {
        typealias Element = ByteBuffer
        let body: Body
        let sent: BodySent

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: Body.AsyncIterator
            let sent: BodySent

            mutating func next() async throws -> ByteBuffer? {
                let chunk = try await base.next()
                if chunk == nil { sent.finish() }
                return chunk
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: body.makeAsyncIterator(), sent: sent) }
    }
}
