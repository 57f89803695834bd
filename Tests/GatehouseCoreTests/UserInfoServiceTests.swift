import Foundation
import GatehouseCore
import Logging
import Synchronization
import Testing

struct UserInfoServiceTests {
    let logger = Logger(label: "test")
    static let sub = "0d8f2a52-1111-4c3b-9e55-aaaaaaaaaaaa"

    static func alice(enabled: Bool = true, name: String? = nil, sub: String = sub) -> DirectoryUser {
        var attributes: [(name: String, value: String)] = [
            (name: "sub", value: sub), (name: "email", value: "alice@example.com"), (name: "nickname", value: "Al"),
        ]
        if let name { attributes.append((name: "name", value: name)) }
        return DirectoryUser(username: "alice", attributes: attributes, enabled: enabled, status: "CONFIRMED")
    }

    func service(
        attributes: [String] = ["email", "nickname"],
        _ lookup: @escaping @Sendable (String) async throws(DirectoryError) -> DirectoryUser
    ) -> UserInfoService {
        let verifier = TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: TestIssuer.issuer, clientIDs: [TestIssuer.clientID]),
            keys: JWKSCache(fetcher: ClosureJWKSFetcher { _ in TestIssuer.jwks([(TestIssuer.keyA, "a")]) }),
            clock: .fixed(TestIssuer.now)
        )
        return UserInfoService(verifier: verifier, directory: ClosureUserDirectory(lookup), attributeNames: attributes)
    }

    func failure(_ service: UserInfoService, token: String?) async -> GatehouseError? {
        await #expect(throws: GatehouseError.self) { try await service.userInfo(token: token, logger: logger) }
    }

    @Test func profileForAccessTokenHasAttributesFromTheDirectory() async throws {
        let service = service { username in
            #expect(username == "alice")
            return Self.alice(name: "Alice Liddell")
        }
        let profile = try await service.userInfo(token: TestIssuer.sign(claims: TestIssuer.accessClaims()), logger: logger)
        #expect(
            profile
                == UserProfile(
                    subject: Self.sub,
                    username: "alice",
                    name: "Alice Liddell",
                    attributes: [.init(name: "email", value: "alice@example.com"), .init(name: "nickname", value: "Al")]
                )
        )
        let json = String(decoding: profile.jsonBytes(), as: UTF8.self)
        #expect(json == #"{"sub":"\#(Self.sub)","username":"alice","name":"Alice Liddell","email":"alice@example.com","nickname":"Al"}"#)
    }

    @Test func nameFallsBackToUsernameAndMissingAttributesAreNull() async throws {
        let service = service(attributes: ["email", "nickname", "given_name"]) { _ in Self.alice() }
        let profile = try await service.userInfo(token: TestIssuer.sign(claims: TestIssuer.idClaims()), logger: logger)
        #expect(profile.name == "alice")
        let json = String(decoding: profile.jsonBytes(), as: UTF8.self)
        #expect(json.hasSuffix(#""nickname":"Al","given_name":null}"#))
    }

    @Test func groupsComeFromTheTokenAsAList() async throws {
        let service = service(attributes: ["groups", "email"]) { _ in Self.alice() }
        let claims = TestIssuer.accessClaims().replacingOccurrences(of: #""token_use""#, with: #""cognito:groups":["admins","readers"],"token_use""#)
        let profile = try await service.userInfo(token: TestIssuer.sign(claims: claims), logger: logger)
        let json = String(decoding: profile.jsonBytes(), as: UTF8.self)
        #expect(json.hasSuffix(#""name":"alice","groups":["admins","readers"],"email":"alice@example.com"}"#))
        // No claim: an empty list, not null.
        let none = try await service.userInfo(token: TestIssuer.sign(claims: TestIssuer.accessClaims()), logger: logger)
        #expect(String(decoding: none.jsonBytes(), as: UTF8.self).contains(#""groups":[]"#))
    }

    @Test func missingTokenIsMissingToken() async {
        let error = await failure(service { _ in Self.alice() }, token: nil)
        #expect(error?.code == .missingToken)
    }

    @Test func invalidAndExpiredTokensAre401() async {
        let service = service { _ in Self.alice() }
        #expect(await failure(service, token: "x.y.z")?.code == .invalidToken)
        let expired = TestIssuer.claims(TestIssuer.idClaims(), setting: "exp", to: String(Int(TestIssuer.now) - 1))
        let error = await failure(service, token: TestIssuer.sign(claims: expired))
        #expect(error?.code == .expiredToken)
    }

    @Test func disabledUserIs401() async {
        let error = await failure(service { _ in Self.alice(enabled: false) }, token: TestIssuer.sign(claims: TestIssuer.idClaims()))
        #expect(error?.code == .userDisabled)
    }

    @Test func deletedUserIs401() async {
        let error = await failure(
            service { _ throws(DirectoryError) in throw DirectoryError(.userNotFound) },
            token: TestIssuer.sign(claims: TestIssuer.idClaims())
        )
        #expect(error?.code == .userNotFound)
    }

    @Test func usernameReusedByAnotherUserIs401() async {
        let error = await failure(
            service { _ in Self.alice(sub: "ffffffff-0000-0000-0000-000000000000") },
            token: TestIssuer.sign(claims: TestIssuer.idClaims())
        )
        #expect(error?.code == .userNotFound)
    }

    @Test func throttlingIs503WithRetryAfter() async {
        let error = await failure(
            service { _ throws(DirectoryError) in throw DirectoryError(.throttled, retryAfter: 2, detail: "TooManyRequests") },
            token: TestIssuer.sign(claims: TestIssuer.idClaims())
        )
        #expect(error?.code == .serviceUnavailable)
        #expect(error?.retryAfter == 2)
        #expect(error?.message.contains("TooManyRequests") == false)
    }

    @Test func misconfigurationIsAGeneric500() async {
        let error = await failure(
            service { _ throws(DirectoryError) in throw DirectoryError(.misconfigured, detail: "AccessDeniedException: arn:aws:iam::123") },
            token: TestIssuer.sign(claims: TestIssuer.idClaims())
        )
        #expect(error?.code == .internalError)
        #expect(error?.message.contains("arn") == false)
    }
}

struct CachedUserDirectoryTests {
    let logger = Logger(label: "test")

    final class Upstream: Sendable {
        let calls = Mutex(0)
        let answer: Mutex<Result<DirectoryUser, DirectoryError>>
        let gate: Gate?

        init(_ answer: Result<DirectoryUser, DirectoryError>, gate: Gate? = nil) {
            self.answer = Mutex(answer)
            self.gate = gate
        }

        var directory: ClosureUserDirectory {
            ClosureUserDirectory { _ throws(DirectoryError) in
                self.calls.withLock { $0 += 1 }
                await self.gate?.wait()
                return try self.answer.withLock { $0 }.get()
            }
        }
    }

    @Test func keepsUsersForTheirLifetime() async throws {
        let upstream = Upstream(.success(UserInfoServiceTests.alice()))
        let clock = ManualClock(0)
        let cache = CachedUserDirectory(upstream: upstream.directory, timeToLive: 60, negativeTimeToLive: 5, clock: clock.wallClock)
        _ = try await cache.user(named: "alice", logger: logger)
        _ = try await cache.user(named: "alice", logger: logger)
        #expect(upstream.calls.withLock { $0 } == 1)
        clock.advance(61)
        upstream.answer.withLock { $0 = .success(UserInfoServiceTests.alice(enabled: false)) }
        #expect(try await cache.user(named: "alice", logger: logger).enabled == false)
        #expect(upstream.calls.withLock { $0 } == 2)
    }

    @Test func remembersUnknownUsersBriefly() async throws {
        let upstream = Upstream(.failure(DirectoryError(.userNotFound)))
        let clock = ManualClock(0)
        let cache = CachedUserDirectory(upstream: upstream.directory, timeToLive: 60, negativeTimeToLive: 5, clock: clock.wallClock)
        for _ in 0..<3 {
            await #expect(throws: DirectoryError.self) { try await cache.user(named: "ghost", logger: logger) }
        }
        #expect(upstream.calls.withLock { $0 } == 1)
        clock.advance(6)
        await #expect(throws: DirectoryError.self) { try await cache.user(named: "ghost", logger: logger) }
        #expect(upstream.calls.withLock { $0 } == 2)
    }

    @Test func neverCachesThrottling() async throws {
        let upstream = Upstream(.failure(DirectoryError(.throttled)))
        let cache = CachedUserDirectory(upstream: upstream.directory, clock: ManualClock(0).wallClock)
        await #expect(throws: DirectoryError.self) { try await cache.user(named: "alice", logger: logger) }
        upstream.answer.withLock { $0 = .success(UserInfoServiceTests.alice()) }
        _ = try await cache.user(named: "alice", logger: logger)
        #expect(upstream.calls.withLock { $0 } == 2)
    }

    @Test func coalescesConcurrentLookups() async throws {
        // Throttling is never cached: only sharing the one call keeps the upstream at one.
        let gate = Gate()
        let upstream = Upstream(.failure(DirectoryError(.throttled)), gate: gate)
        let cache = CachedUserDirectory(upstream: upstream.directory)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<25 { group.addTask { _ = try? await cache.user(named: "alice", logger: logger) } }
            await until { cache.waitingLookups == 25 }
            gate.open()
        }
        #expect(upstream.calls.withLock { $0 } == 1)
    }

    @Test func isBounded() async throws {
        let upstream = Upstream(.success(UserInfoServiceTests.alice()))
        let cache = CachedUserDirectory(upstream: upstream.directory, capacity: 3, clock: ManualClock(0).wallClock)
        for index in 0..<20 {
            _ = try await cache.user(named: "user\(index)", logger: logger)
            #expect(cache.count <= 3)
        }
        // Full, it drops the oldest: the three newest stay.
        #expect(cache.count == 3)
        #expect(upstream.calls.withLock { $0 } == 20)
        _ = try await cache.user(named: "user19", logger: logger)
        #expect(upstream.calls.withLock { $0 } == 20)
    }
}
