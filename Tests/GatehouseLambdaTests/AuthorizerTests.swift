import Crypto
import Foundation
import GatehouseCore
import GatehouseHTTP
import GatehouseLambda
import HTTPTypes
import NIOCore
import Testing

/// The authorizer: its events, its policy resource, and its answers over the in-process verifier.
struct AuthorizerTests {
    static let methodARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/api/orders/42"

    @Test(
        arguments: [
            (methodARN, "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/*/*"),
            ("arn:aws-cn:execute-api:cn-north-1:1:a_b-c/$default/POST/", nil),
            ("arn:aws:execute-api:eu-west-1:210987654321:api/v1/DELETE/", "arn:aws:execute-api:eu-west-1:210987654321:api/v1/*/*"),
            ("arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod", nil),
            ("arn:aws:execute-api:us-east-1:123456789012:*/prod/GET/x", nil),
            ("arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/x", nil),
            ("arn:aws:execute-api:us-east-1:12345678901x:abc/prod/GET/x", nil),
            ("arn:aws:lambda:us-east-1:123456789012:abc/prod/GET/x", nil),
            ("arn:aws:execute-api::123456789012:abc/prod/GET/x", nil),
            ("", nil),
        ] as [(String, String?)]
    )
    func thePolicyCoversTheAPIAndStageAndNothingWider(arn: String, expected: String?) {
        #expect(AuthorizerEvent.apiResource(of: arn) == expected)
    }

    @Test func restRequestEventsKeepRepeatedHeadersInAnyCase() throws {
        let event = try AuthorizerEvent.decode(
            ByteBuffer(
                string:
                    #"{"type":"REQUEST","methodArn":"\#(Self.methodARN)","httpMethod":"post","headers":{"cookie":"a=1"},"multiValueHeaders":{"COOKIE":["a=1","b=2"],"X-Csrf":["1"]},"requestContext":{"requestId":"r-1"}}"#
            )
        )
        #expect(event.format == .restV1(methodARN: Self.methodARN))
        #expect(event.method == "POST" && event.requestID == "r-1")
        #expect(event.headers[values: .cookie] == ["a=1", "b=2"])
        #expect(event.headers[HTTPField.Name("x-csrf")!] == "1")
    }

    @Test func tokenEventsCarryTheHeaderValueAlone() throws {
        let event = try AuthorizerEvent.decode(
            ByteBuffer(string: #"{"type":"TOKEN","methodArn":"\#(Self.methodARN)","authorizationToken":"Bearer a.b.c"}"#)
        )
        #expect(event.headers[.authorization] == "Bearer a.b.c" && event.method.isEmpty)
    }

    @Test func httpAPIEventsJoinTheirCookies() throws {
        let event = try AuthorizerEvent.decode(
            ByteBuffer(
                string:
                    #"{"version":"2.0","type":"REQUEST","routeArn":"arn:x","headers":{"cookie":"stale=1"},"cookies":["a=1","b=2"],"requestContext":{"http":{"method":"delete"}}}"#
            )
        )
        #expect(event.format == .httpV2 && event.method == "DELETE")
        #expect(event.headers[values: .cookie] == ["a=1; b=2"])
    }

    @Test(arguments: [
        #"[]"#, #"{"type":"REQUEST"}"#, #"{"type":"OTHER","methodArn":"arn:x"}"#, #"{"version":"2.0","type":"REQUEST"}"#, "not json",
    ])
    func otherEventsAreRefusedWithAReason(json: String) {
        #expect(throws: GatewayEventError.self) { try AuthorizerEvent.decode(ByteBuffer(string: json)) }
    }

    @Test func settingsAreReadAndBadValuesNameTheirVariable() throws {
        #expect(try LambdaHandlerKind(environment: [:]) == .api)
        #expect(try LambdaHandlerKind(environment: ["GATEHOUSE_LAMBDA_HANDLER": "Authorizer"]) == .authorizer)
        #expect(throws: ConfigurationError(variable: "GATEHOUSE_LAMBDA_HANDLER", problem: "must be api or authorizer")) {
            try LambdaHandlerKind(environment: ["GATEHOUSE_LAMBDA_HANDLER": "proxy"])
        }
        let settings = try AuthorizerSettings(
            environment: ["GATEHOUSE_AUTHORIZER_PASS_TOKEN": "on", "GATEHOUSE_AUTHORIZER_REQUIRE_GROUPS": " admins, ,billing "]
        )
        #expect(settings == AuthorizerSettings(passesToken: true, requiredGroups: ["admins", "billing"]))
        #expect(throws: ConfigurationError.self) { try AuthorizerSettings(environment: ["GATEHOUSE_AUTHORIZER_PASS_TOKEN": "1"]) }
    }

    static func answer(_ event: String, settings: AuthorizerSettings = AuthorizerSettings()) async throws -> [String: Any] {
        let handler = AuthorizerHandler(authenticator: LambdaTestSupport.dependencies().authenticator, settings: settings)
        let invocation = LambdaInvocation(requestID: "r", deadlineMilliseconds: .max, event: ByteBuffer(string: event))
        return LambdaTestSupport.object(try await handler.handle(invocation, logger: LambdaTestSupport.logger))
    }

    static func rest(_ token: String) -> String {
        #"{"type":"REQUEST","methodArn":"\#(methodARN)","httpMethod":"GET","headers":{"authorization":"Bearer \#(token)"}}"#
    }

    @Test func anAllowedCallerGetsAPolicyAndAContextOfStrings() async throws {
        let token = LambdaTestSupport.token()
        let answer = try await Self.answer(Self.rest(token), settings: AuthorizerSettings(passesToken: true))
        #expect(answer["principalId"] as? String == "s-1")
        let statement = ((answer["policyDocument"] as? [String: Any])?["Statement"] as? [[String: Any]])?.first ?? [:]
        #expect(statement["Effect"] as? String == "Allow" && statement["Action"] as? String == "execute-api:Invoke")
        #expect(statement["Resource"] as? [String] == ["arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/*/*"])
        let context = answer["context"] as? [String: String] ?? [:]
        #expect(context["sub"] == "s-1" && context["username"] == "alice" && context["tokenUse"] == "access")
        #expect(context["groups"] == "" && context["accessToken"] == token)
        #expect((answer["context"] as? [String: Any])?.count == 6)
    }

    @Test func aClientsOwnTokenIsAllowedAsTheClientWithNoUser() async throws {
        let answer = try await Self.answer(Self.rest(LambdaTestSupport.clientToken()))
        let statement = ((answer["policyDocument"] as? [String: Any])?["Statement"] as? [[String: Any]])?.first ?? [:]
        #expect(statement["Effect"] as? String == "Allow")
        #expect(answer["principalId"] as? String == LambdaTestSupport.clientID)
        let context = answer["context"] as? [String: String] ?? [:]
        #expect(context["sub"] == LambdaTestSupport.clientID && context["username"] == "")
        #expect(context["scope"] == "https://api.example.com/read" && context["groups"] == "")
        // A group rule lets no client through: it has none.
        let denied = try await Self.answer(Self.rest(LambdaTestSupport.clientToken()), settings: AuthorizerSettings(requiredGroups: ["admins"]))
        let deny = ((denied["policyDocument"] as? [String: Any])?["Statement"] as? [[String: Any]])?.first ?? [:]
        #expect(deny["Effect"] as? String == "Deny")
    }

    @Test func aCallerOutsideTheGroupsIsDeniedByPolicy() async throws {
        let answer = try await Self.answer(
            Self.rest(LambdaTestSupport.token()),
            settings: AuthorizerSettings(passesToken: true, requiredGroups: ["admins"])
        )
        let statement = ((answer["policyDocument"] as? [String: Any])?["Statement"] as? [[String: Any]])?.first ?? [:]
        #expect(statement["Effect"] as? String == "Deny")
        #expect(answer["principalId"] as? String == "s-1")
        let context = answer["context"] as? [String: String] ?? [:]
        #expect(context["sub"] == "s-1" && context["accessToken"] == nil)
    }

    @Test func aRefusalIsUnauthorizedForRESTAndFalseForHTTPAPIs() async throws {
        let expired = LambdaTestSupport.token(exp: Int(Date().timeIntervalSince1970) - 60)
        for token in ["x.y.z", expired] {
            await #expect {
                _ = try await Self.answer(Self.rest(token))
            } throws: { error in
                (error as? any LambdaReportableError)?.report == LambdaErrorReport(type: "Unauthorized", message: "Unauthorized")
            }
        }
        let refused = try await Self.answer(
            #"{"version":"2.0","type":"REQUEST","routeArn":"arn:x","headers":{},"requestContext":{"http":{"method":"GET"}}}"#
        )
        #expect(refused.count == 1 && refused["isAuthorized"] as? Bool == false)
    }
}
