import Foundation
import GatehouseCore
import Logging
import Synchronization
import Testing

struct JWKSCacheTests {
    let logger = Logger(label: "test")

    /// A fetcher that counts calls and serves whatever key set it currently holds.
    final class CountingFetcher: Sendable {
        struct Failing: Error {}
        let calls = Mutex(0)
        let current: Mutex<JSONWebKeySet?>
        let delay: Duration

        init(_ keySet: JSONWebKeySet?, delay: Duration = .zero) {
            current = Mutex(keySet)
            self.delay = delay
        }

        var fetcher: ClosureJWKSFetcher {
            ClosureJWKSFetcher { _ in
                self.calls.withLock { $0 += 1 }
                if self.delay > .zero { try await Task.sleep(for: self.delay) }
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
        let source = CountingFetcher(TestIssuer.jwks([(TestIssuer.keyA, "a")]), delay: .milliseconds(50))
        let cache = JWKSCache(fetcher: source.fetcher)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = try await cache.key(id: "a", logger: logger) }
            }
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
