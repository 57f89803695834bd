import Foundation
import GatehouseAWS
import GatehouseCore
import Testing

/// The verifier accepts what botocore signed (the fixture's requests as they would arrive) and
/// refuses every change: another secret or key, a touched body or header, a stale timestamp.
struct SigV4VerifierTests {
    typealias Case = SigV4SignerTests.Fixture.Case

    /// The request of `testCase` as a server receives it: its headers, `Host`, and what botocore added.
    static func arrived(_ testCase: Case) -> [(name: String, value: String)] {
        var headers = testCase.headers.map { (name: $0[0], value: $0[1]) }
        headers.append((name: "Host", value: testCase.host))
        headers.append((name: "X-Amz-Date", value: testCase.expected.x_amz_date))
        if let token = testCase.session_token { headers.append((name: "X-Amz-Security-Token", value: token)) }
        headers.append((name: "Authorization", value: testCase.expected.authorization))
        // Unsigned headers a client may add do not matter.
        headers.append((name: "User-Agent", value: "Boto3/1.43.11"))
        return headers
    }

    static func verify(
        _ testCase: Case,
        secret: String? = nil,
        headers: [(name: String, value: String)]? = nil,
        body: [UInt8]? = nil,
        now: Double? = nil,
        region: String? = nil
    ) throws(SigV4Verifier.Failure) {
        let verifier = SigV4Verifier(
            service: testCase.service,
            region: region ?? testCase.region,
            secrets: [testCase.access_key_id: secret ?? testCase.secret_access_key],
            requiredSignedHeaders: SigV4Verifier.jsonProtocolHeaders
        )
        try verifier.verify(
            method: testCase.method,
            path: testCase.path,
            query: testCase.query.map { (name: $0[0], value: $0[1]) },
            headers: headers ?? arrived(testCase),
            body: body ?? SigV4SignerTests.bytes(hex: testCase.body_hex),
            now: now ?? testCase.epoch_seconds + 60
        )
    }

    static let cognitoCases = SigV4SignerTests.cases.filter { $0.service == "cognito-idp" }

    @Test func theFixtureHasCognitoCases() {
        // The parameterised tests below must have something to run.
        #expect(Self.cognitoCases.count >= 2)
        #expect(Self.cognitoCases.contains { $0.session_token != nil })
    }

    @Test(arguments: cognitoCases)
    func acceptsWhatBotocoreSigned(_ testCase: Case) throws {
        try Self.verify(testCase)
    }

    @Test(arguments: cognitoCases)
    func refusesEveryChange(_ testCase: Case) {
        #expect(throws: SigV4Verifier.Failure.badSignature) { try Self.verify(testCase, secret: "another-secret") }
        #expect(throws: SigV4Verifier.Failure.badSignature) {
            try Self.verify(testCase, body: SigV4SignerTests.bytes(hex: testCase.body_hex) + [0x20])
        }
        var touched = Self.arrived(testCase)
        touched = touched.map { $0.name == "X-Amz-Target" ? (name: $0.name, value: $0.value + "X") : $0 }
        #expect(throws: SigV4Verifier.Failure.badSignature) { try Self.verify(testCase, headers: touched) }
        let unknownKey = Self.arrived(testCase).map {
            $0.name == "Authorization" ? (name: $0.name, value: $0.value.replacingOccurrences(of: testCase.access_key_id, with: "AKIDOTHER")) : $0
        }
        #expect(throws: SigV4Verifier.Failure.unrecognizedClient) { try Self.verify(testCase, headers: unknownKey) }
        let unsigned = Self.arrived(testCase).filter { $0.name != "Authorization" }
        #expect(throws: SigV4Verifier.Failure.unrecognizedClient) { try Self.verify(testCase, headers: unsigned) }
        // 15 minutes either way is the limit.
        try? Self.verify(testCase, now: testCase.epoch_seconds + 900)
        #expect(throws: SigV4Verifier.Failure.expired(signedAt: testCase.expected.x_amz_date)) {
            try Self.verify(testCase, now: testCase.epoch_seconds + 901)
        }
        #expect(throws: SigV4Verifier.Failure.expired(signedAt: testCase.expected.x_amz_date)) {
            try Self.verify(testCase, now: testCase.epoch_seconds - 901)
        }
    }

    @Test(arguments: cognitoCases)
    func refusesASignatureScopedToAnotherRegion(_ testCase: Case) {
        #expect(throws: SigV4Verifier.Failure.badSignature) { try Self.verify(testCase, region: "xx-nowhere-1") }
    }

    /// A request signed without `X-Amz-Target` (or `Content-Type`) among its signed headers could
    /// be replayed with another target: a signed AdminGetUser sent on as AdminDisableUser.
    @Test(arguments: [["content-type"], ["x-amz-target"], ["content-type", "x-amz-target"]])
    func refusesASignatureThatLeavesTheOperationUnsigned(unsigned: [String]) throws {
        let now = 1_800_000_000.0
        let body = Array(#"{"UserPoolId":"us-east-1_AbCdEf123","Username":"victim"}"#.utf8)
        let all = [
            (name: "Content-Type", value: "application/x-amz-json-1.1"),
            (name: "X-Amz-Target", value: "AWSCognitoIdentityProviderService.AdminGetUser"),
        ]
        let signed = all.filter { !unsigned.contains($0.name.lowercased()) }
        let signature = SigV4Signer(service: "cognito-idp", region: "us-east-1").sign(
            SigV4Signer.Request(method: "POST", host: "127.0.0.1:9229", path: "/", headers: signed, body: body),
            credentials: AWSCredentials(accessKeyID: "AKIDADMIN", secretAccessKey: "admin-secret"),
            date: now
        )
        let swapped = all.map { $0.name == "X-Amz-Target" ? (name: $0.name, value: "AWSCognitoIdentityProviderService.AdminDisableUser") : $0 }
        let arrived = swapped + [(name: "Host", value: "127.0.0.1:9229")] + signature.headers
        let verifier = SigV4Verifier(
            service: "cognito-idp",
            region: "us-east-1",
            secrets: ["AKIDADMIN": "admin-secret"],
            requiredSignedHeaders: SigV4Verifier.jsonProtocolHeaders
        )
        #expect(throws: SigV4Verifier.Failure.badSignature) {
            try verifier.verify(method: "POST", path: "/", query: [], headers: arrived, body: body, now: now)
        }
        // Without the requirement the swap would pass when the target is unsigned: the test can fail.
        if unsigned.contains("x-amz-target") {
            let lax = SigV4Verifier(service: "cognito-idp", region: "us-east-1", secrets: ["AKIDADMIN": "admin-secret"])
            #expect(throws: Never.self) { try lax.verify(method: "POST", path: "/", query: [], headers: arrived, body: body, now: now) }
        }
    }

    @Test func basicTimestampsParse() {
        #expect(UTCDate.secondsSince1970(basicDateTime: "20150830T123600Z") == 1_440_938_160)
        #expect(UTCDate.secondsSince1970(basicDateTime: "19700101T000000Z") == 0)
        for bad in ["20150230T000000Z", "20151301T000000Z", "20150830T246000Z", "2015-08-30T12:36:00Z", "20150830T123600", ""] {
            #expect(UTCDate.secondsSince1970(basicDateTime: bad) == nil, "\(bad)")
        }
    }
}
