import GatehouseCore
import Logging
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

/// CustomMessage's answer read as Cognito reads it: a body must keep the code's placeholder (and an
/// invitation's, the username's) or the default body goes out; the subject stands on its own.
struct CustomMessageAnswerTests {
    let standard = Triggers.Message(subject: "Your verification code", body: "Your verification code is {####}. ")
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func aBodyWithThePlaceholdersIsUsed() {
        let answer: [String: JSONValue] = ["emailSubject": .string("Hi"), "emailMessage": .string("Code: {####}")]
        let message = Triggers.message(answer, standard: standard, invitation: false, logger: logger)
        #expect(message == Triggers.Message(subject: "Hi", body: "Code: {####}"))
        #expect(message.filled(code: "123456", username: "kim").body == "Code: 123456")
    }

    @Test(arguments: [
        (["emailMessage": JSONValue.string("no code")], false),
        (["emailMessage": .string("{###} almost")], false),
        (["emailMessage": .string("Password {####} but no name")], true),
        (["emailMessage": .number(1)], false),
        (["emailMessage": .null, "emailSubject": .string("")], false),
    ])
    func aBodyWithoutThePlaceholdersKeepsTheDefault(answer: [String: JSONValue], invitation: Bool) {
        #expect(Triggers.message(answer, standard: standard, invitation: invitation, logger: logger) == standard)
    }

    @Test func aTextMessageIsReadOnItsOwn() {
        let answer: [String: JSONValue] = ["smsMessage": .string("SMS {####}"), "emailMessage": .string("no code")]
        let message = Triggers.message(answer, standard: standard, invitation: false, logger: logger)
        #expect(message.body == standard.body && message.sms == "SMS {####}")
        #expect(message.filled(code: "12345678", username: "kim").sms == "SMS 12345678")
        let without = Triggers.message(["smsMessage": .string("SMS without")], standard: standard, invitation: false, logger: logger)
        #expect(without == standard)
    }

    @Test func anInvitationNeedsBothPlaceholders() {
        let answer: [String: JSONValue] = ["emailMessage": .string("{username} / {####}")]
        let message = Triggers.message(answer, standard: standard, invitation: true, logger: logger)
        #expect(message.filled(code: "Temp-1!", username: "kim").body == "kim / Temp-1!")
    }
}

/// The CUSTOM_AUTH answers read: DefineAuthChallenge's flags and challenge, CreateAuthChallenge's
/// string-to-string parameters.
struct CustomAuthAnswerTests {
    func members(_ json: String) throws -> [String: JSONValue] {
        try #require(try JSONParser.parse(Array(json.utf8)).objectValue)
    }

    @Test func failingWinsOverTokensAndTokensOverAChallenge() throws {
        let fail = try members(#"{"failAuthentication":true,"issueTokens":true,"challengeName":"CUSTOM_CHALLENGE"}"#)
        #expect(try Triggers.decision(fail) == .fail)
        #expect(try Triggers.decision(members(#"{"issueTokens":true,"challengeName":"CUSTOM_CHALLENGE"}"#)) == .issueTokens)
        #expect(try Triggers.decision(members(#"{"challengeName":"PASSWORD_VERIFIER","issueTokens":null}"#)) == .challenge("PASSWORD_VERIFIER"))
    }

    @Test(arguments: [
        #"{}"#, #"{"challengeName":"SMS_MFA"}"#, #"{"challengeName":"CUSTOM_CHALLENGE","issueTokens":"yes"}"#,
        #"{"failAuthentication":1}"#,
    ])
    func definitionsOfTheWrongShapeAreRefused(json: String) throws {
        let response = try members(json)
        #expect(throws: LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")) { try Triggers.decision(response) }
    }

    @Test func challengesCarryStringsOnly() throws {
        let made = try Triggers.challenge(members(#"{"publicChallengeParameters":{"a":"1"},"privateChallengeParameters":null}"#))
        #expect(made == Triggers.CustomChallenge(publicParameters: ["a": "1"], privateParameters: [:], metadata: nil))
        for json in [#"{"publicChallengeParameters":{"a":1}}"#, #"{"privateChallengeParameters":[]}"#, #"{"challengeMetadata":{}}"#] {
            let response = try members(json)
            #expect(throws: LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")) { try Triggers.challenge(response) }
        }
    }
}
