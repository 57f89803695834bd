import Foundation
import GatehouseAWS
import GatehouseCore
import Logging
import Synchronization
import Testing

/// The DynamoDB client's requests and its reading of answers, through our transport seam.
struct DynamoDBTests {
    final class Calls: Sendable {
        let requests = Mutex<[AWSHTTPRequest]>([])
        let answers: Mutex<[AWSHTTPResponse]>
        init(_ answers: [AWSHTTPResponse]) { self.answers = Mutex(answers) }
        var count: Int { requests.withLock { $0.count } }
        func request(_ index: Int) -> AWSHTTPRequest { requests.withLock { $0[index] } }
    }

    static func client(_ calls: Calls) -> DynamoDB {
        DynamoDB(
            endpoint: AWSEndpoint(url: "http://127.0.0.1:5000")!,
            region: "us-west-2",
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret")),
            transport: ClosureAWSTransport { request in
                calls.requests.withLock { $0.append(request) }
                return calls.answers.withLock { $0.removeFirst() }
            },
            retryPolicy: RetryPolicy(maximumAttempts: 3, baseDelay: 0.001),
            clock: .fixed(1_900_000_000),
            sleep: { _ in }
        )
    }

    static func ok(_ body: String = "{}") -> AWSHTTPResponse {
        AWSHTTPResponse(status: 200, headers: [(name: "Content-Type", value: "application/x-amz-json-1.0")], body: Array(body.utf8))
    }

    static func failure(_ code: String, _ body: String = "") -> AWSHTTPResponse {
        let json = body.isEmpty ? #"{"__type":"com.amazonaws.dynamodb.v20120810#\#(code)","message":"m"}"# : body
        return AWSHTTPResponse(status: 400, headers: [], body: Array(json.utf8))
    }

    static func object(_ bytes: [UInt8]) -> NSDictionary {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? NSDictionary ?? [:]
    }

    static let logger = Logger(label: "test")

    @Test func putItemWithAConditionHasTheProtocolsShape() async throws {
        let calls = Calls([Self.ok()])
        try await Self.client(calls).putItem(
            table: "sessions",
            item: ["pk": .string("s#1"), "version": .number(1), "ttl": .number(1_900_000_600), "tokens": .binary([0, 255, 16])],
            condition: DynamoDBExpression("attribute_not_exists(pk)"),
            logger: Self.logger
        )
        let request = calls.request(0)
        #expect(request.url == "http://127.0.0.1:5000/")
        #expect(request.headers.contains { $0.name == "X-Amz-Target" && $0.value == "DynamoDB_20120810.PutItem" })
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/x-amz-json-1.0" })
        #expect(request.headers.contains { $0.name == "Authorization" && $0.value.contains("/us-west-2/dynamodb/aws4_request") })
        let expected: NSDictionary = [
            "TableName": "sessions",
            "Item": [
                "pk": ["S": "s#1"], "version": ["N": "1"], "ttl": ["N": "1900000600"], "tokens": ["B": "AP8Q"],
            ],
            "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        ]
        #expect(Self.object(request.body) == expected)
    }

    @Test func updateMergesPlaceholdersAndAFailedConditionCarriesTheOldItem() async throws {
        let old =
            #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{"pk":{"S":"s#1"},"version":{"N":"7"}}}"#
        let calls = Calls([Self.failure("ConditionalCheckFailedException", old)])
        do {
            try await Self.client(calls).updateItem(
                table: "sessions",
                key: ["pk": .string("s#1")],
                update: DynamoDBExpression("SET #v = :next", names: ["#v": "version"], values: [":next": .number(6)]),
                condition: DynamoDBExpression("#v = :expected", names: ["#v": "version"], values: [":expected": .number(5)]),
                logger: Self.logger
            )
            Issue.record("the update succeeded")
        } catch {
            #expect(error == .conditionalCheckFailed(item: ["pk": .string("s#1"), "version": .number(7)]))
        }
        // A failed condition is an answer, not a fault: no retry.
        #expect(calls.count == 1)
        let expected: NSDictionary = [
            "TableName": "sessions",
            "Key": ["pk": ["S": "s#1"]],
            "UpdateExpression": "SET #v = :next",
            "ConditionExpression": "#v = :expected",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            "ExpressionAttributeNames": ["#v": "version"],
            "ExpressionAttributeValues": [":next": ["N": "6"], ":expected": ["N": "5"]],
        ]
        #expect(Self.object(calls.request(0).body) == expected)
    }

    @Test func throttlingIsRetriedOtherErrorsAreNot() async throws {
        let calls = Calls([
            Self.failure("ProvisionedThroughputExceededException"), Self.failure("ThrottlingException"), Self.ok(#"{"Item":{"pk":{"S":"a"}}}"#),
        ])
        let item = try await Self.client(calls).getItem(table: "t", key: ["pk": .string("a")], logger: Self.logger)
        #expect(item == ["pk": .string("a")])
        #expect(calls.count == 3)
        #expect(Self.object(calls.request(0).body)["ConsistentRead"] as? Bool == true)

        let missing = Calls([Self.failure("ResourceNotFoundException")])
        await #expect(throws: DynamoDBError.self) {
            try await Self.client(missing).deleteItem(table: "t", key: ["pk": .string("a")], logger: Self.logger)
        }
        #expect(missing.count == 1)
        let none = Calls([Self.ok()])
        #expect(try await Self.client(none).getItem(table: "t", key: ["pk": .string("a")], logger: Self.logger) == nil)
    }

    @Test func queryFollowsPagesOnTheIndex() async throws {
        let calls = Calls([
            Self.ok(#"{"Items":[{"pk":{"S":"1"}}],"LastEvaluatedKey":{"pk":{"S":"1"},"sub":{"S":"u"}}}"#),
            Self.ok(#"{"Items":[{"pk":{"S":"2"}},{"pk":{"S":"3"}}]}"#),
        ])
        let items = try await Self.client(calls).query(
            table: "sessions",
            index: "bySubject",
            keyCondition: DynamoDBExpression("#s = :sub", names: ["#s": "sub"], values: [":sub": .string("u")]),
            logger: Self.logger
        )
        #expect(items.map { $0["pk"]?.stringValue } == ["1", "2", "3"])
        #expect(Self.object(calls.request(0).body)["IndexName"] as? String == "bySubject")
        #expect(Self.object(calls.request(1).body)["ExclusiveStartKey"] as? NSDictionary == ["pk": ["S": "1"], "sub": ["S": "u"]])
    }

    @Test func valuesRoundTripAndTheEndpointFollowsTheSDKs() throws {
        let value = DynamoDBValue.map([
            "s": .string("a\"b"), "n": .number("12345678901234567890123456789012345678"), "b": .binary([1, 2, 3, 250]),
            "t": .bool(true), "z": .null, "ss": .stringSet(["x", "y"]), "ns": .numberSet(["1", "2.5"]),
            "l": .list([.string("x"), .list([.number(1)]), .map(["k": .bool(false)])]),
        ])
        #expect(DynamoDBValue(try JSONParser.parse(value.json())) == value)
        #expect(DynamoDBValue(try JSONParser.parse(Array(#"{"S":"a","N":"1"}"#.utf8))) == nil)
        #expect(DynamoDBValue(try JSONParser.parse(Array(#"{"X":"a"}"#.utf8))) == nil)
        #expect(DynamoDB.endpoint(environment: [:], region: "eu-west-1") == AWSEndpoint(url: "https://dynamodb.eu-west-1.amazonaws.com"))
        #expect(
            DynamoDB.endpoint(environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"], region: "x-y-1")
                == AWSEndpoint(url: "http://127.0.0.1:5000")
        )
        #expect(
            DynamoDB.endpoint(environment: ["AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_DYNAMODB": "http://b:2"], region: "x-y-1")
                == AWSEndpoint(url: "http://b:2")
        )
    }
}
