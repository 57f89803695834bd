import Foundation
import GatehouseCore
import Hummingbird
import HummingbirdTesting
import LocalPool
import Logging
import Testing

/// Groups through the service and the typed API operations, and `cognito:groups` in the tokens.
struct GroupTests {
    let logger = Logger(label: "test")

    @Test func tokensCarryTheGroupsByPrecedenceThenNameAndRefreshesFollowChanges() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.client(pool)
        try await fixture.confirmedUser(pool)
        let service = fixture.service
        _ = try await service.groups.createGroup(poolID: pool.id, name: "zeta", description: nil, roleArn: nil, precedence: nil)
        _ = try await service.groups.createGroup(poolID: pool.id, name: "beta", description: nil, roleArn: nil, precedence: 7)
        _ = try await service.groups.createGroup(poolID: pool.id, name: "alpha", description: nil, roleArn: nil, precedence: 7)
        _ = try await service.groups.createGroup(
            poolID: pool.id,
            name: "admins",
            description: "all powers",
            roleArn: "arn:aws:iam::000000000000:role/admin",
            precedence: 1
        )
        _ = try await service.groups.createGroup(poolID: pool.id, name: "apha", description: nil, roleArn: nil, precedence: nil)
        for group in ["zeta", "beta", "alpha", "admins", "apha"] {
            try await service.groups.addUserToGroup(poolID: pool.id, username: "alice", groupName: group)
        }
        // Adding twice changes nothing.
        try await service.groups.addUserToGroup(poolID: pool.id, username: "alice", groupName: "beta")
        let tokens = try await fixture.signIn(client)
        let verifier = try await fixture.verifier(pool, clients: [client.id])
        let expected: [JSONValue] = ["admins", "alpha", "beta", "apha", "zeta"].map { .string($0) }
        let access = try await verifier.verify(tokens.access, logger: logger)
        let id = try await verifier.verify(tokens.id, logger: logger)
        #expect(access.claims["cognito:groups"] == .array(expected))
        #expect(id.claims["cognito:groups"] == .array(expected))
        #expect(id.claims["cognito:preferred_role"] == .string("arn:aws:iam::000000000000:role/admin"))
        #expect(access.claims["cognito:preferred_role"] == nil)

        try await service.groups.removeUserFromGroup(poolID: pool.id, username: "alice", groupName: "admins")
        try await service.groups.deleteGroup(poolID: pool.id, name: "zeta")
        let refreshed = try await service.tokens.refresh(client: client, refreshToken: tokens.refresh, caller: .initiateAuth(secretHash: nil))
        guard case .tokens(let newAccess, let newID?, _, _, _) = refreshed else {
            Issue.record("expected tokens")
            return
        }
        let after = try await verifier.verify(newAccess, logger: logger)
        #expect(after.claims["cognito:groups"] == .array(["alpha", "beta", "apha"].map { .string($0) }))
        #expect(try await verifier.verify(newID, logger: logger).claims["cognito:roles"] == nil)

        // A user in no group has no claim at all, as with Cognito.
        try await fixture.confirmedUser(pool, "bob")
        let bob = try await verifier.verify(try await fixture.signIn(client, "bob").access, logger: logger)
        #expect(bob.claims["cognito:groups"] == nil)
        // Deleting a user ends their memberships.
        try await service.users.deleteUser(poolID: pool.id, username: "alice")
        await #expect(try service.groups.users(inGroup: "alpha", poolID: pool.id, limit: 60, after: nil).users.isEmpty)
    }

    /// The typed operations' decoding errors, as Cognito words them.
    @Test func typedOperationsRefuseBadShapesWithCognitosErrors() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: logger)
        try await app.test(.router) { client in
            func error(_ operation: String, _ body: String) async throws -> (String?, String?) {
                let object = CognitoAPIRouteTests.object(try await CognitoAPIRouteTests.call(client, operation, body))
                return (object["__type"] as? String, object["message"] as? String)
            }
            let missing = try await error("CreateGroup", #"{"UserPoolId":"\#(pool.id)"}"#)
            #expect(missing.0 == "InvalidParameterException")
            #expect(missing.1 == "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must not be null")
            let null = try await error("CreateGroup", #"{"UserPoolId":"\#(pool.id)","GroupName":null}"#)
            #expect(null.0 == "InvalidParameterException")
            let wrongType = try await error("CreateGroup", #"{"UserPoolId":"\#(pool.id)","GroupName":7}"#)
            #expect(wrongType.0 == "InvalidParameterException")
            #expect(wrongType.1 == "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member has the wrong type")
            for precedence in ["-1", "2147483648", "99999999999999999999999", "1.5", "true", #""1""#] {
                let (type, _) = try await error("CreateGroup", #"{"UserPoolId":"\#(pool.id)","GroupName":"g","Precedence":\#(precedence)}"#)
                #expect(type == "InvalidParameterException", "\(precedence)")
            }
            #expect(try await error("CreateGroup", #"{"UserPoolId":"#).0 == "SerializationException")
            #expect(try await error("CreateGroup", #"{"UserPoolId":"\#(pool.id)","GroupName":""}"#).0 == "InvalidParameterException")
            #expect(try await error("CreateGroup", #"{"UserPoolId":"\#(pool.id)","GroupName":"a\u0000b"}"#).0 == "InvalidParameterException")
            #expect(try await error("ListGroups", #"{"UserPoolId":"\#(pool.id)","Limit":61}"#).0 == "InvalidParameterException")
            #expect(try await error("ListGroups", #"{"UserPoolId":"\#(pool.id)","NextToken":"!!"}"#).0 == "InvalidParameterException")
            #expect(try await error("GetGroup", #"{"UserPoolId":"\#(pool.id)","GroupName":"nope"}"#).0 == "ResourceNotFoundException")
            #expect(try await error("ListGroups", #"{"UserPoolId":"us-east-1_nothere"}"#).0 == "ResourceNotFoundException")
            // A good request answers Cognito's member names.
            let created = CognitoAPIRouteTests.object(
                try await CognitoAPIRouteTests.call(
                    client,
                    "CreateGroup",
                    #"{"UserPoolId":"\#(pool.id)","GroupName":"readers","Precedence":3,"Description":"d"}"#
                )
            )
            let group = created["Group"] as? [String: Any]
            #expect(group?["GroupName"] as? String == "readers")
            #expect(group?["Precedence"] as? Int == 3)
            #expect(group?["UserPoolId"] as? String == pool.id)
            #expect(group?["RoleArn"] == nil)
            #expect(try await error("CreateGroup", #"{"UserPoolId":"\#(pool.id)","GroupName":"readers"}"#).0 == "GroupExistsException")
        }
    }

    @Test func groupsPage() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        for index in 0..<7 {
            _ = try await fixture.service.groups.createGroup(poolID: pool.id, name: "g\(index)", description: nil, roleArn: nil, precedence: nil)
        }
        var names: [String] = []
        var after: String?
        var pages = 0
        repeat {
            let page = try await fixture.service.groups.groups(poolID: pool.id, limit: 3, after: after)
            names += page.groups.map(\.name)
            after = page.next
            pages += 1
        } while after != nil
        #expect(names == (0..<7).map { "g\($0)" })
        #expect(pages == 3)
    }
}
