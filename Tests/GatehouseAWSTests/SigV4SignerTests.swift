import Foundation
import GatehouseAWS
import Testing

/// Known-answer tests: every case in the fixture was signed by botocore
/// (scripts/generate-sigv4-fixtures.py); our signer must produce the same bytes.
struct SigV4SignerTests {
    struct Fixture: Decodable {
        struct Case: Decodable, CustomTestStringConvertible {
            struct Expected: Decodable {
                let canonical_request: String
                let string_to_sign: String
                let authorization: String
                let x_amz_date: String
            }

            let name: String
            let method: String
            let host: String
            let path: String
            let query: [[String]]
            let headers: [[String]]
            let body_hex: String
            let access_key_id: String
            let secret_access_key: String
            let session_token: String?
            let region: String
            let service: String
            let epoch_seconds: Double
            let expected: Expected

            var testDescription: String { name }
        }

        let cases: [Case]
    }

    static let cases: [Fixture.Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sigv4-botocore.json")
        let data = try! Data(contentsOf: url)
        return try! JSONDecoder().decode(Fixture.self, from: data).cases
    }()

    static func bytes(hex: String) -> [UInt8] {
        var bytes = [UInt8]()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test func fixtureHasCases() {
        #expect(Self.cases.count >= 8)
    }

    @Test(arguments: cases)
    func matchesBotocore(_ fixture: Fixture.Case) {
        let signer = SigV4Signer(service: fixture.service, region: fixture.region)
        let request = SigV4Signer.Request(
            method: fixture.method,
            host: fixture.host,
            path: fixture.path,
            query: fixture.query.map { (name: $0[0], value: $0[1]) },
            headers: fixture.headers.map { (name: $0[0], value: $0[1]) },
            body: Self.bytes(hex: fixture.body_hex)
        )
        let credentials = AWSCredentials(
            accessKeyID: fixture.access_key_id,
            secretAccessKey: fixture.secret_access_key,
            sessionToken: fixture.session_token
        )
        let signature = signer.sign(request, credentials: credentials, date: fixture.epoch_seconds)
        #expect(signature.canonicalRequest == fixture.expected.canonical_request)
        #expect(signature.stringToSign == fixture.expected.string_to_sign)
        let added = Dictionary(uniqueKeysWithValues: signature.headers.map { ($0.name, $0.value) })
        #expect(added["Authorization"] == fixture.expected.authorization)
        #expect(added["X-Amz-Date"] == fixture.expected.x_amz_date)
        #expect(added["X-Amz-Security-Token"] == fixture.session_token)
    }

    @Test func publishedSuiteGetVanilla() {
        // aws-c-auth's signing test suite, case get-vanilla (also in the protocol reference §5.3).
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let request = SigV4Signer.Request(method: "GET", host: "example.amazonaws.com", path: "/")
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        )
        let signature = signer.sign(request, credentials: credentials, date: 1_440_938_160)
        #expect(signature.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func credentialsDescriptionHidesSecrets() {
        let credentials = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s3cr3t", sessionToken: "t0k3n")
        #expect(!credentials.description.contains("s3cr3t"))
        #expect(!credentials.description.contains("t0k3n"))
        #expect(credentials.description.contains("AKID"))
    }

    @Test func environmentCredentialsNameTheMissingVariable() throws {
        #expect(throws: CredentialsError(variable: "AWS_SECRET_ACCESS_KEY")) {
            try EnvironmentCredentials.load(from: ["AWS_ACCESS_KEY_ID": "AKID"])
        }
        let loaded = try EnvironmentCredentials.load(from: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        #expect(loaded.sessionToken == "token")
    }
}
