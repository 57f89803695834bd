import GatehouseCore
import Testing

@testable import LocalPool

/// UserMigration's answer read as Cognito reads it: attributes required (strings), the final
/// status and message action limited to the values Cognito takes.
struct UserMigrationAnswerTests {
    func read(_ json: String, forgotPassword: Bool = false) throws(LocalPoolError) -> Triggers.Migrated {
        let response = (try? JSONParser.parse(Array(json.utf8)).objectValue) ?? [:]
        return try Triggers.migrated(response, clientID: "client-1", forgotPassword: forgotPassword)
    }

    @Test func attributesAreRequired() {
        for json in [#"{}"#, #"{"userAttributes":null}"#, #"{"userAttributes":{}}"#, #"{"userAttributes":["email"]}"#] {
            #expect(throws: LocalPoolError(.userNotFound, "Exception migrating user in app client client-1")) { try read(json) }
        }
    }

    @Test func theStatusFollowsTheAnswerAndTheFlow() throws {
        let confirmed = try read(#"{"userAttributes":{"email":"a@example.com","username":"ignored"}}"#)
        #expect(confirmed.status == .confirmed && !confirmed.suppressMessage)
        #expect(confirmed.attributes.map(\.name) == ["email"])
        #expect(try read(#"{"userAttributes":{"email":"a@example.com"}}"#, forgotPassword: true).status == .resetRequired)
        let reset = try read(#"{"userAttributes":{"email":"a@example.com"},"finalUserStatus":"RESET_REQUIRED","messageAction":"SUPPRESS"}"#)
        #expect(reset.status == .resetRequired && reset.suppressMessage)
    }

    @Test(arguments: [
        #"{"userAttributes":{"email":1}}"#,
        #"{"userAttributes":{"email":"a@example.com"},"finalUserStatus":"UNCONFIRMED"}"#,
        #"{"userAttributes":{"email":"a@example.com"},"finalUserStatus":true}"#,
        #"{"userAttributes":{"email":"a@example.com"},"messageAction":"DROP"}"#,
    ])
    func answersOfTheWrongShapeAreRefused(json: String) {
        #expect(throws: LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")) { try read(json) }
    }
}
