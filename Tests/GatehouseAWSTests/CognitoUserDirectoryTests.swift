import GatehouseAWS
import GatehouseCore
import Logging
import Testing

struct CognitoUserDirectoryTests {
    func directory(answer: AWSHTTPResponse) -> CognitoUserDirectory {
        let cognito = CognitoIdentityProvider(
            endpoint: AWSEndpoint(url: "http://127.0.0.1:1")!,
            region: "us-east-1",
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret")),
            transport: ClosureAWSTransport { _ in answer },
            retryPolicy: RetryPolicy(maximumAttempts: 1)
        )
        return CognitoUserDirectory(userPoolID: "us-east-1_AbCdEf123", cognito: cognito)
    }

    @Test func readsAdminGetUser() async throws {
        let body = #"""
            {"Username":"alice","UserAttributes":[{"Name":"sub","Value":"1111"},{"Name":"email","Value":"a@example.com"},
            {"Name":"nickname","Value":"Al"}],"UserCreateDate":1795591331.956,"Enabled":true,"UserStatus":"CONFIRMED",
            "MFAOptions":[]}
            """#
        let user = try await directory(answer: AWSHTTPResponse(status: 200, headers: [], body: Array(body.utf8)))
            .user(named: "alice", logger: Logger(label: "test"))
        #expect(user.username == "alice")
        #expect(user.attribute("nickname") == "Al")
        #expect(user.attribute("email") == "a@example.com")
        #expect(user.enabled)
        #expect(user.status == "CONFIRMED")
    }

    @Test(arguments: [
        ("UserNotFoundException", 400, DirectoryError.Code.userNotFound),
        ("TooManyRequestsException", 400, .throttled),
        ("InternalErrorException", 500, .unavailable),
        ("ResourceNotFoundException", 400, .misconfigured),
        ("AccessDeniedException", 400, .misconfigured),
    ])
    func mapsErrors(type: String, status: Int, expected: DirectoryError.Code) async {
        let answer = AWSHTTPResponse(
            status: status,
            headers: [(name: "x-amzn-ErrorType", value: "\(type):")],
            body: Array(#"{"__type":"\#(type)","message":"m"}"#.utf8)
        )
        let error = await #expect(throws: DirectoryError.self) {
            try await directory(answer: answer).user(named: "alice", logger: Logger(label: "test"))
        }
        #expect(error?.code == expected)
    }
}
