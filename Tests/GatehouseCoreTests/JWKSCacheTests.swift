import Foundation
import GatehouseCore
import Logging
import Synchronization
import Testing

struct JWKSCacheTests {
    let logger = Logger(label: "test")

    /// A fetcher that counts calls and serves whatever key set it currently holds, each call
    /// waiting for `gate` when there is one.
    final class CountingFetcher: Sendable {
        struct Failing: Error {}
        let calls = Mutex(0)
        let current: Mutex<JSONWebKeySet?>
        let gate: Gate?

        init(_ keySet: JSONWebKeySet?, gate: Gate? = nil) {
            current = Mutex(keySet)
            self.gate = gate
        }

        var fetcher: ClosureJWKSFetcher {
            ClosureJWKSFetcher { _ in
                self.calls.withLock { $0 += 1 }
                await self.gate?.wait()
                guard let keySet = self.current.withLock({ $0 }) else { throw Failing() }
                return keySet
            }
        }
    }

    @Test func unknownKidRefetchesAtMostOncePerPenaltyWindow() async throws {
        let source = CountingFetcher(TestIssuer.jwks([(TestIssuer.keyA, "a")]))
        let clock = ManualClock(1000)
        let cache = JWKSCache(fetcher: source.fetcher, clock: clock.wallClock, minimumRefetchInterval: 10)
        _ = try await cache.key(id: "a", logger: logger)
        #expect(source.calls.withLock { $0 } == 1)
        // The pool rotates in key b; the first unknown kid triggers one refetch...
        source.current.withLock { $0 = TestIssuer.jwks([(TestIssuer.keyA, "a"), (TestIssuer.keyB, "b")]) }
        clock.advance(11)
        _ = try await cache.key(id: "b", logger: logger)
        #expect(source.calls.withLock { $0 } == 2)
        // ...and a flood of unknown kids inside the window triggers none.
        for index in 0..<50 {
            await #expect(throws: TokenError(.unknownKey, detail: "kid not in JWKS")) {
                try await cache.key(id: "unknown-\(index)", logger: logger)
            }
        }
        #expect(source.calls.withLock { $0 } == 2)
        clock.advance(10)
        await #expect(throws: TokenError.self) { try await cache.key(id: "unknown", logger: logger) }
        #expect(source.calls.withLock { $0 } == 3)
    }

    @Test func concurrentFetchesAreCoalesced() async throws {
        let gate = Gate()
        let source = CountingFetcher(TestIssuer.jwks([(TestIssuer.keyA, "a")]), gate: gate)
        let cache = JWKSCache(fetcher: source.fetcher)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = try await cache.key(id: "a", logger: logger) }
            }
            // Every lookup waits on the one fetch before it may finish.
            await until { cache.waitingLookups == 20 }
            gate.open()
            try await group.waitForAll()
        }
        #expect(source.calls.withLock { $0 } == 1)
    }

    @Test func keysHeldSurviveAFailedRefetch() async throws {
        let source = CountingFetcher(TestIssuer.jwks([(TestIssuer.keyA, "a")]))
        let clock = ManualClock(1000)
        let cache = JWKSCache(fetcher: source.fetcher, clock: clock.wallClock)
        await cache.prefetch(logger: logger)
        source.current.withLock { $0 = nil }
        clock.advance(60)
        await #expect(throws: TokenError.self) { try await cache.key(id: "b", logger: logger) }
        #expect(source.calls.withLock { $0 } == 2)
        _ = try await cache.key(id: "a", logger: logger)
        #expect(cache.keyCount == 1)
    }

    @Test func noKeysAtAllIsReportedAsUnavailable() async {
        let cache = JWKSCache(fetcher: CountingFetcher(nil).fetcher)
        let error = await #expect(throws: TokenError.self) { try await cache.key(id: "a", logger: logger) }
        #expect(error?.code == .keysUnavailable)
    }

    @Test func keySetParsingSkipsUnusableKeysAndRejectsDuplicates() throws {
        let rsa = TestIssuer.jwk(TestIssuer.keyA, kid: "a")
        let encryption = TestIssuer.jwk(TestIssuer.keyB, kid: "enc").replacingOccurrences(of: #""use":"sig""#, with: #""use":"enc""#)
        let hmac = #"{"kid":"h","kty":"oct","k":"c2VjcmV0","alg":"HS256"}"#
        let set = try JSONWebKeySet(json: Array(#"{"keys":[\#(rsa),\#(encryption),\#(hmac)]}"#.utf8))
        #expect(Set(set.keys.keys) == ["a"])
        #expect(throws: JSONWebKeySet.Failure.self) {
            try JSONWebKeySet(json: Array(#"{"keys":[\#(rsa),\#(rsa)]}"#.utf8))
        }
        #expect(throws: JSONWebKeySet.Failure.self) { try JSONWebKeySet(json: Array(#"{"keys":[\#(hmac)]}"#.utf8)) }
        #expect(throws: JSONWebKeySet.Failure.self) { try JSONWebKeySet(json: Array("<html>".utf8)) }
    }
}

/// A gate tasks wait at until it opens (no sleeps: a test opens it when it has seen what it waits for).
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// Waits until the gate opens.
    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state -> Bool in
                if !state.open { state.waiting.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    /// Opens the gate for every waiter, now and later.
    func open() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

/// Yields until `condition` holds (up to a million turns; a test that never gets there fails).
func until(_ condition: () -> Bool) async {
    for _ in 0..<1_000_000 where !condition() { await Task.yield() }
    #expect(condition())
}
