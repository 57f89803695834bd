import GatehouseCore
import Testing

@testable import LocalPool

/// A PreTokenGeneration answer applied to a token's claims: what may change, and what may not.
struct TokenOverridesTests {
    let claims = Array(#"{"sub":"s-1","iss":"https://pool","scope":"openid email","email":"a@example.com","cognito:groups":["staff"]}"#.utf8)

    func applied(_ overrides: TokenOverrides, isID: Bool) throws -> [String: JSONValue] {
        try #require(try JSONParser.parse(overrides.apply(to: claims, isID: isID)).objectValue)
    }

    @Test func claimsAreAddedOverriddenAndSuppressedButNotTheProtectedOnes() throws {
        var overrides = TokenOverrides()
        overrides.id.addOrOverride = ["tenant": .string("acme"), "email": .string("b@example.com"), "sub": .string("forged")]
        overrides.id.suppress = ["iss", "cognito:groups"]
        let id = try applied(overrides, isID: true)
        #expect(id["tenant"] == .string("acme") && id["email"] == .string("b@example.com"))
        #expect(id["sub"] == .string("s-1") && id["iss"] == .string("https://pool") && id["cognito:groups"] != nil)
        #expect(overrides.refused == ["id:cognito:groups", "id:iss", "id:sub"])
        // The ID token's changes do not reach the access token.
        #expect(try applied(overrides, isID: false)["tenant"] == nil)
    }

    @Test func scopesAndGroupsChangeWhereCognitoPutsThem() throws {
        var overrides = TokenOverrides()
        overrides.scopesToAdd = ["orders/read", "email"]
        overrides.scopesToSuppress = ["openid"]
        overrides.groups = (["admins"], ["arn:aws:iam::123456789012:role/admin"], "arn:aws:iam::123456789012:role/admin")
        let access = try applied(overrides, isID: false)
        #expect(access["scope"] == .string("email orders/read"))
        #expect(access["cognito:groups"] == .array([.string("admins")]) && access["cognito:roles"] == nil)
        let id = try applied(overrides, isID: true)
        #expect(id["scope"] == .string("openid email"))
        #expect(id["cognito:preferred_role"] == .string("arn:aws:iam::123456789012:role/admin"))
        overrides.groups = ([], [], nil)
        #expect(try applied(overrides, isID: true)["cognito:groups"] == nil)
    }

    @Test func answersOfTheWrongShapeAreRefused() throws {
        let good = try JSONParser.parse(Array(#"{"claimsToAddOrOverride":{"a":"b"},"claimsToSuppress":["c"]}"#.utf8))
        #expect(Triggers.versionOne(good)?.id.addOrOverride == ["a": .string("b")])
        for text in [
            #"{"claimsToAddOrOverride":{"a":1}}"#, #"{"claimsToSuppress":"c"}"#, #"{"groupOverrideDetails":{"groupsToOverride":[1]}}"#, #"[]"#,
        ] {
            #expect(Triggers.versionOne(try JSONParser.parse(Array(text.utf8))) == nil, "\(text)")
        }
        let two = try JSONParser.parse(Array(#"{"accessTokenGeneration":{"claimsToAddOrOverride":{"n":[1,2]},"scopesToAdd":["x"]}}"#.utf8))
        #expect(Triggers.versionTwo(two)?.scopesToAdd == ["x"])
        #expect(Triggers.versionTwo(try JSONParser.parse(Array(#"{"accessTokenGeneration":{"scopesToAdd":"x"}}"#.utf8))) == nil)
    }
}
