import GatehouseAWS
import GatehouseCore
import Logging
import Synchronization
import Testing

struct AWSJSONClientTests {
    let logger = Logger(label: "test")

    /// A transport answering from a script of responses, recording what it was sent.
    final class ScriptedTransport: Sendable {
        let script: Mutex<[Result<AWSHTTPResponse, any Error>]>
        let sent = Mutex<[AWSHTTPRequest]>([])

        init(_ script: [Result<AWSHTTPResponse, any Error>]) {
            self.script = Mutex(script)
        }

        var transport: ClosureAWSTransport {
            ClosureAWSTransport { request in
                self.sent.withLock { $0.append(request) }
                return try self.script.withLock { $0.removeFirst() }.get()
            }
        }
    }

    struct Unreachable: Error {}

    static func error(_ status: Int, type: String, message: String = "m", header: String? = nil) -> AWSHTTPResponse {
        var headers: [(name: String, value: String)] = [(name: "x-amzn-RequestId", value: "req-1")]
        if let header { headers.append((name: "x-amzn-ErrorType", value: header)) }
        return AWSHTTPResponse(
            status: status,
            headers: headers,
            body: Array(#"{"__type":"\#(type)","message":"\#(message)"}"#.utf8)
        )
    }

    static let ok = AWSHTTPResponse(status: 200, headers: [], body: Array(#"{"Username":"alice"}"#.utf8))

    final class Sleeps: Sendable {
        let values = Mutex<[Double]>([])
    }

    func client(_ transport: ScriptedTransport, attempts: Int = 3, timeout: Double = 5) -> (AWSJSONClient, Sleeps) {
        let sleeps = Sleeps()
        let client = AWSJSONClient(
            endpoint: AWSEndpoint(url: "http://127.0.0.1:5000")!,
            service: "cognito-idp",
            region: "us-east-1",
            targetPrefix: "AWSCognitoIdentityProviderService",
            credentials: StaticCredentialProvider(
                AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: "session")
            ),
            transport: transport.transport,
            timeout: timeout,
            retryPolicy: RetryPolicy(maximumAttempts: attempts, baseDelay: 0.1, random: { 0.5 }),
            clock: .fixed(1_440_938_160),
            sleep: { seconds in sleeps.values.withLock { $0.append(seconds) } }
        )
        return (client, sleeps)
    }

    @Test func signsAndTargetsTheOperation() async throws {
        let transport = ScriptedTransport([.success(Self.ok)])
        let (client, _) = client(transport)
        let body = try await client.call("AdminGetUser", body: Array("{}".utf8), logger: logger)
        #expect(String(decoding: body, as: UTF8.self) == #"{"Username":"alice"}"#)
        let request = try #require(transport.sent.withLock { $0.first })
        let headers = Dictionary(request.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(request.url == "http://127.0.0.1:5000/")
        #expect(headers["x-amz-target"] == "AWSCognitoIdentityProviderService.AdminGetUser")
        #expect(headers["content-type"] == "application/x-amz-json-1.1")
        #expect(headers["x-amz-security-token"] == "session")
        let authorization = try #require(headers["authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/cognito-idp/aws4_request"))
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target"))
    }

    @Test func retriesThrottlingWithBackoffThenSucceeds() async throws {
        let transport = ScriptedTransport([
            .success(Self.error(400, type: "TooManyRequestsException")),
            .success(Self.error(500, type: "InternalErrorException")),
            .success(Self.ok),
        ])
        let (client, sleeps) = client(transport)
        _ = try await client.call("AdminGetUser", body: [], logger: logger)
        #expect(transport.sent.withLock { $0.count } == 3)
        // Full jitter with random() = 0.5: 0.5 * 0.1, then 0.5 * 0.2.
        #expect(sleeps.values.withLock { $0 } == [0.05, 0.1])
    }

    @Test func givesUpAfterMaximumAttempts() async throws {
        let transport = ScriptedTransport(Array(repeating: .success(Self.error(400, type: "TooManyRequestsException")), count: 3))
        let (client, _) = client(transport)
        let error = await #expect(throws: AWSError.self) {
            try await client.call("AdminGetUser", body: [], logger: logger)
        }
        #expect(error?.code == "TooManyRequestsException")
        #expect(error?.isThrottling == true)
        #expect(transport.sent.withLock { $0.count } == 3)
    }

    @Test func doesNotRetryClientErrors() async throws {
        let transport = ScriptedTransport([.success(Self.error(400, type: "UserNotFoundException")), .success(Self.ok)])
        let (client, _) = client(transport)
        let error = await #expect(throws: AWSError.self) {
            try await client.call("AdminGetUser", body: [], logger: logger)
        }
        #expect(error?.code == "UserNotFoundException")
        #expect(error?.requestID == "req-1")
        #expect(transport.sent.withLock { $0.count } == 1)
    }

    @Test func retriesNetworkFailures() async throws {
        let transport = ScriptedTransport([.failure(Unreachable()), .success(Self.ok)])
        let (client, _) = client(transport)
        _ = try await client.call("AdminGetUser", body: [], logger: logger)
        #expect(transport.sent.withLock { $0.count } == 2)
    }

    @Test func emptyBodyReadsAsEmptyObject() async throws {
        let transport = ScriptedTransport([.success(AWSHTTPResponse(status: 200, headers: [], body: []))])
        let (client, _) = client(transport)
        let body = try await client.call("AdminDisableUser", body: [], logger: logger)
        #expect(body == Array("{}".utf8))
    }

    @Test(
        arguments: [
            // Real Cognito: header with trailing colon wins over the body.
            ("NotAuthorizedException:", "Other", "NotAuthorizedException"),
            // Namespaced __type (DynamoDB), no header.
            (nil, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "ConditionalCheckFailedException"),
            // Header carrying namespace and extra detail after a colon.
            ("aws.protocoltests#FooError:http://internal.amazon.com/", "x", "FooError"),
            // moto: header without the colon.
            ("UserNotFoundException", "UserNotFoundException", "UserNotFoundException"),
        ] as [(String?, String, String)]
    )
    func parsesErrorCodesLikeTheSDKs(header: String?, type: String, expected: String) {
        let error = AWSError.parse(Self.error(400, type: type, message: "Incorrect username or password.", header: header))
        #expect(error.code == expected)
        #expect(error.message == "Incorrect username or password.")
        #expect(error.status == 400)
    }

    @Test func endpointParsing() throws {
        let local = try #require(AWSEndpoint(url: "http://127.0.0.1:5000/"))
        #expect(local.host == "127.0.0.1:5000")
        #expect(local.url(path: "/") == "http://127.0.0.1:5000/")
        let aws = try #require(AWSEndpoint(url: "https://cognito-idp.us-east-1.amazonaws.com:443"))
        #expect(aws.host == "cognito-idp.us-east-1.amazonaws.com")
        #expect(AWSEndpoint(url: "ftp://example.com") == nil)
        #expect(AWSEndpoint(url: "https://user@example.com") == nil)
    }
}
