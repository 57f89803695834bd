import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import LocalPool

/// Issue 22, items 5, 14, 15 and 16: what users may write about themselves, how much anyone may
/// store, and the numbers the API takes.
struct WriteLimitTests {
    func expectError(_ type: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
    }

    @Test func usersCannotMarkTheirOwnEmailOrPhoneVerified() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        let service = fixture.service
        for flag in ["email_verified", "phone_number_verified"] {
            await expectError("NotAuthorizedException") {
                _ = try await service.accounts.signUp(
                    client: client,
                    username: "self-\(flag)",
                    password: "Passw0rd!",
                    attributes: [.init(name: "email", value: "someone.else@example.com"), .init(name: flag, value: "true")],
                    secretHash: nil
                )
            }
            await expectError("UserNotFoundException") { _ = try await service.users.user(poolID: pool.id, username: "self-\(flag)") }
        }
        try await fixture.confirmedUser(pool)
        let (access, _, _) = try await fixture.signIn(client)
        for flag in ["email_verified", "phone_number_verified"] {
            await expectError("NotAuthorizedException") {
                _ = try await service.accounts.updateOwnAttributes(accessToken: access, attributes: [.init(name: flag, value: "true")])
            }
        }
        // A new phone number or email is unverified until its code comes back.
        try await service.users.updateAttributes(
            poolID: pool.id,
            username: "alice",
            attributes: [.init(name: "phone_number", value: "+15550100"), .init(name: "phone_number_verified", value: "true")]
        )
        _ = try await service.accounts.updateOwnAttributes(accessToken: access, attributes: [.init(name: "phone_number", value: "+15550199")])
        let user = try await service.users.user(poolID: pool.id, username: "alice")
        #expect(user.attribute("phone_number_verified") == "false" && user.attribute("email_verified") == "true")
        _ = try await service.accounts.updateOwnAttributes(accessToken: access, attributes: [.init(name: "email", value: "other@example.com")])
        #expect(try await service.users.user(poolID: pool.id, username: "alice").attribute("email_verified") == "false")
    }

    @Test func theNewPasswordChallengeCannotVerifyAnEmail() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        let service = fixture.service
        _ = try await service.users.createUser(
            poolID: pool.id,
            username: "new",
            attributes: [.init(name: "email", value: "new@example.com")],
            temporaryPassword: "Temp-passw0rd1"
        )
        guard
            case .newPasswordRequired(let session, _, _) = try await service.signIn.passwordAuth(
                client: client,
                username: "new",
                password: "Temp-passw0rd1",
                secretHash: nil,
                flow: .user
            )
        else {
            Issue.record("expected NEW_PASSWORD_REQUIRED")
            return
        }
        await expectError("NotAuthorizedException") {
            _ = try await service.signIn.respondToNewPassword(
                client: client,
                session: session,
                username: "new",
                newPassword: "Mine-passw0rd1",
                attributes: [.init(name: "email_verified", value: "true")],
                secretHash: nil
            )
        }
        // Nothing changed: still the temporary password, still unverified.
        let user = try await service.users.user(poolID: pool.id, username: "new")
        #expect(user.status == .forceChangePassword && user.attribute("email_verified") == nil)
        // An email given here is new, so unverified.
        _ = try await service.signIn.respondToNewPassword(
            client: client,
            session: session,
            username: "new",
            newPassword: "Mine-passw0rd1",
            attributes: [.init(name: "email", value: "else@example.com")],
            secretHash: nil
        )
        #expect(try await service.users.user(poolID: pool.id, username: "new").attribute("email_verified") == "false")
    }

    /// The probe stored about 1 MB per unauthenticated SignUp.
    @Test(arguments: [
        [UserRecord.Attribute(name: "custom:" + String(repeating: "n", count: 300_000), value: "x")],
        [UserRecord.Attribute(name: "custom:", value: "x")],
        [UserRecord.Attribute(name: "custom:" + String(repeating: "n", count: 21), value: "x")],
        [UserRecord.Attribute(name: String(repeating: "n", count: 33), value: "x")],
        [UserRecord.Attribute(name: "nickname", value: String(repeating: "v", count: 2049))],
        (0..<450).map { UserRecord.Attribute(name: "custom:a\($0)", value: String(repeating: "v", count: 2048)) },
        (0..<51).map { UserRecord.Attribute(name: "custom:a\($0)", value: "v") },
    ])
    func oversizedAttributesAreRefusedAndNothingIsStored(_ attributes: [UserRecord.Attribute]) async throws {
        let fixture = try PoolFixture()
        // The pool's 50 custom attributes, the most Cognito allows, with 20-character names.
        let custom = (0..<50).map { SchemaAttribute(name: String(format: "%020d", $0), dataType: .string) }
        let pool = try await fixture.service.pools.createPool(name: "p", schema: custom)
        let client = try await fixture.client(pool)
        await expectError("InvalidParameterException") {
            _ = try await fixture.service.accounts.signUp(
                client: client,
                username: "big",
                password: "Passw0rd!",
                attributes: attributes,
                secretHash: nil
            )
        }
        await expectError("UserNotFoundException") { _ = try await fixture.service.users.user(poolID: pool.id, username: "big") }
        // At the edges: 50 custom attributes of 20-character names and 2048-character values pass.
        let edge = (0..<50).map { UserRecord.Attribute(name: "custom:" + String(format: "%020d", $0), value: String(repeating: "v", count: 2048)) }
        _ = try await fixture.service.accounts.signUp(client: client, username: "edge", password: "Passw0rd!", attributes: edge, secretHash: nil)
        // A 51st, added later, is refused too: the schema has no such attribute.
        await expectError("InvalidParameterException") {
            try await fixture.service.users.updateAttributes(
                poolID: pool.id,
                username: "edge",
                attributes: [.init(name: "custom:one-more", value: "v")]
            )
        }
    }

    @Test(arguments: [
        ("ListUserPoolClients", #""MaxResults":1000000000000"#),
        ("ListUserPoolClients", #""MaxResults":0"#),
        ("ListUserPoolClients", #""MaxResults":61"#),
        ("ListUserPoolClients", #""MaxResults":99999999999999999999999"#),
        ("UpdateUserPool", #""Policies":{"PasswordPolicy":{"MinimumLength":1000000000000}}"#),
        ("UpdateUserPool", #""Policies":{"PasswordPolicy":{"MinimumLength":5}}"#),
        ("UpdateUserPool", #""Policies":{"PasswordPolicy":{"MinimumLength":100}}"#),
        ("UpdateUserPool", #""Policies":{"PasswordPolicy":{"TemporaryPasswordValidityDays":1000000000000}}"#),
        ("UpdateUserPool", #""Policies":{"PasswordPolicy":{"TemporaryPasswordValidityDays":366}}"#),
        ("UpdateUserPool", #""Policies":{"PasswordPolicy":{"TemporaryPasswordValidityDays":-1}}"#),
    ])
    func numbersOutOfCognitosRangesAreRefused(operation: String, members: String) async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { http in
            let response = try await CognitoAPIRouteTests.call(http, operation, #"{"UserPoolId":"\#(pool.id)",\#(members)}"#)
            #expect(response.status == .badRequest)
            #expect(CognitoAPIRouteTests.object(response)["__type"] as? String == "InvalidParameterException")
            if operation == "UpdateUserPool" {
                let created = try await CognitoAPIRouteTests.call(http, "CreateUserPool", #"{"PoolName":"other",\#(members)}"#)
                #expect(created.status == .badRequest)
                #expect(try await fixture.service.pools.pools().count == 1)
                #expect(try await fixture.service.pools.pool(pool.id).passwordPolicy == nil)
            }
        }
    }

    @Test func aPoolsPasswordPolicyIsKeptDescribedAndApplied() async throws {
        let fixture = try PoolFixture()
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        try await app.test(.router) { http in
            let created = try await CognitoAPIRouteTests.call(
                http,
                "CreateUserPool",
                #"{"PoolName":"strict","Policies":{"PasswordPolicy":{"MinimumLength":12,"RequireSymbols":false,"TemporaryPasswordValidityDays":0}}}"#
            )
            let pool = try #require(CognitoAPIRouteTests.object(created)["UserPool"] as? [String: Any])
            let policy = try #require((pool["Policies"] as? [String: Any])?["PasswordPolicy"] as? [String: Any])
            #expect(policy["MinimumLength"] as? Int == 12 && policy["RequireSymbols"] as? Bool == false)
            #expect(policy["RequireUppercase"] as? Bool == true && policy["TemporaryPasswordValidityDays"] as? Int == 0)
            let id = try #require(pool["Id"] as? String)
            await expectError("InvalidPasswordException") {
                _ = try await fixture.service.users.createUser(poolID: id, username: "short", attributes: [], temporaryPassword: "Passw0rd!")
            }
            _ = try await fixture.service.users.createUser(poolID: id, username: "long", attributes: [], temporaryPassword: "Passw0rdLonger1")
        }
    }

    /// Item 14: about 10,000 unauthenticated SRP starts used to wipe every pending sign-in. Now
    /// the oldest go first, per client: a sign-in started within a flood is still there to answer.
    @Test func aFloodOfSRPStartsDoesNotWipePendingSignIns() {
        let challenges = SRPChallenges()
        func pending(_ client: String) -> SRPChallenges.Pending {
            SRPChallenges.Pending(poolID: "p", clientID: client, username: "u", userExists: true, key: [1], session: "s", expiresAt: 1000)
        }
        challenges.insert(pending("other-app"), secretBlock: "other", now: 0)
        for index in 0..<SRPChallenges.capacityPerClient { challenges.insert(pending("spa"), secretBlock: "flood-\(index)", now: 0) }
        challenges.insert(pending("spa"), secretBlock: "genuine", now: 0)
        for index in 0..<(SRPChallenges.capacityPerClient - 1) { challenges.insert(pending("spa"), secretBlock: "more-\(index)", now: 0) }
        #expect(challenges.take(secretBlock: "genuine", now: 1) != nil)
        #expect(challenges.take(secretBlock: "other", now: 1) != nil)
        // The oldest of the flood went first; memory stays bounded.
        #expect(challenges.take(secretBlock: "flood-0", now: 1) == nil)
        #expect(challenges.count <= SRPChallenges.capacityPerClient)
        for index in 0..<(3 * SRPChallenges.capacityPerClient) { challenges.insert(pending("spa"), secretBlock: "late-\(index)", now: 0) }
        #expect(challenges.count == SRPChallenges.capacityPerClient)
    }
}
