import Foundation
import GatehouseAWS
import GatehouseSessions
import Logging
import Synchronization
import Testing

/// The token handler's OAuth calls: Basic auth with form-encoded parts, retries on what retrying
/// can fix, none on refusals.
/// The requests a fake token endpoint received.
final class Seen: Sendable {
    private let requests = Mutex<[AWSHTTPRequest]>([])
    func append(_ request: AWSHTTPRequest) { requests.withLock { $0.append(request) } }
    var count: Int { requests.withLock { $0.count } }
    var first: AWSHTTPRequest? { requests.withLock { $0.first } }
}

struct OAuthClientTests {
    static let logger = Logger(label: "test")

    static func client(_ answers: [Result<AWSHTTPResponse, any Error>], seen: Seen, secret: String? = "s3cr:t&") -> OAuthClient {
        let remaining = Mutex(answers)
        return OAuthClient(
            endpoints: OAuthEndpoints(domain: "https://login.example.com/"),
            clientID: "client+1",
            clientSecret: secret,
            transport: ClosureAWSTransport { request in
                seen.append(request)
                return try remaining.withLock { $0.removeFirst() }.get()
            },
            retryPolicy: RetryPolicy(maximumAttempts: 3, baseDelay: 0.001),
            sleep: { _ in }
        )
    }

    static let ok = AWSHTTPResponse(
        status: 200,
        headers: [],
        body: Array(#"{"access_token":"a","id_token":"i","refresh_token":"r","expires_in":60}"#.utf8)
    )

    @Test func theCodeGrantSendsTheVerifierAndBasicAuthWithEncodedParts() async throws {
        let seen = Seen()
        let granted = try await Self.client([.success(Self.ok)], seen: seen).exchange(
            code: "c 1",
            verifier: "v",
            redirectURI: "https://app.example.com/",
            logger: Self.logger
        )
        #expect(granted.accessToken == "a" && granted.idToken == "i" && granted.refreshToken == "r" && granted.expiresIn == 60)
        let request = try #require(seen.first)
        #expect(request.url == "https://login.example.com/oauth2/token")
        let authorization = request.headers.first { $0.name == "Authorization" }?.value
        #expect(authorization == "Basic " + Data("client%2B1:s3cr%3At%26".utf8).base64EncodedString())
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "grant_type=authorization_code&code=c%201&redirect_uri=https%3A%2F%2Fapp.example.com%2F&code_verifier=v"
        )
    }

    @Test func aPublicClientSendsItsIDInTheBody() async throws {
        let seen = Seen()
        _ = try await Self.client([.success(Self.ok)], seen: seen, secret: nil).refresh("r", logger: Self.logger)
        let request = try #require(seen.first)
        #expect(!request.headers.contains { $0.name == "Authorization" })
        #expect(String(decoding: request.body, as: UTF8.self) == "grant_type=refresh_token&refresh_token=r&client_id=client%2B1")
    }

    @Test func serverErrorsAndNetworkFailuresAreRetriedRefusalsAreNot() async throws {
        let seen = Seen()
        let flaky = Self.client(
            [.success(AWSHTTPResponse(status: 503, headers: [], body: [])), .failure(CancellationError()), .success(Self.ok)],
            seen: seen
        )
        #expect(try await flaky.refresh("r", logger: Self.logger).accessToken == "a")
        #expect(seen.count == 3)

        let refused = Seen()
        let invalid = AWSHTTPResponse(status: 400, headers: [], body: Array(#"{"error":"invalid_grant"}"#.utf8))
        await #expect {
            try await Self.client([.success(invalid), .success(Self.ok)], seen: refused).refresh("r", logger: Self.logger)
        } throws: { error in
            guard case .refused(let code) = error as? OAuthClientError else { return false }
            return code == "invalid_grant"
        }
        #expect(refused.count == 1)

        let down = Seen()
        let failure = AWSHTTPResponse(status: 500, headers: [], body: [])
        await #expect {
            try await Self.client([.success(failure), .success(failure), .success(failure)], seen: down).revoke("r", logger: Self.logger)
        } throws: { error in
            if case .unavailable = error as? OAuthClientError { return true }
            return false
        }
        #expect(down.count == 3)
    }

    @Test func anUnknownErrorCodeIsNotEchoedAndAnAnswerWithoutTokensIsUnavailable() async throws {
        let seen = Seen()
        let odd = AWSHTTPResponse(status: 400, headers: [], body: Array(#"{"error":"<script>"}"#.utf8))
        await #expect {
            try await Self.client([.success(odd)], seen: seen).refresh("r", logger: Self.logger)
        } throws: { error in
            guard case .refused(let code) = error as? OAuthClientError else { return false }
            return code == "invalid_request"
        }
        let empty = AWSHTTPResponse(status: 200, headers: [], body: Array("{}".utf8))
        await #expect {
            try await Self.client([.success(empty)], seen: seen).refresh("r", logger: Self.logger)
        } throws: { error in
            if case .unavailable = error as? OAuthClientError { return true }
            return false
        }
    }
}
