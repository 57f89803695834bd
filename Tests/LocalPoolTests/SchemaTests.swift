import Foundation
import GatehouseCore
import LocalPool
import Testing

/// The pool's schema (custom attributes, required and immutable ones) and the app clients'
/// `ReadAttributes` / `WriteAttributes`, enforced on every write and kept across a restart.
struct SchemaTests {
    func expectError(
        _ type: String,
        _ message: String? = nil,
        _ body: () async throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    )
        async
    {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
        if let message { #expect(error?.message == message, sourceLocation: sourceLocation) }
    }

    func attribute(_ name: String, _ type: SchemaAttribute.DataType, _ change: (inout SchemaAttribute) -> Void = { _ in }) -> SchemaAttribute {
        var attribute = SchemaAttribute(name: name, dataType: type)
        change(&attribute)
        return attribute
    }

    @Test func customAttributesAreDefinedCheckedAndKeptAcrossARestart() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pools = fixture.service.pools
        let email = attribute("email", .string) { $0.required = true }
        let team = attribute("team", .string) { ($0.minLength, $0.maxLength) = (2, 5) }
        let pool = try await pools.createPool(name: "p", schema: [email, team])
        try await pools.addCustomAttributes(
            poolID: pool.id,
            [
                attribute("level", .number) { ($0.minValue, $0.maxValue) = (1, 10) },
                attribute("badge", .string) { $0.mutable = false },
                attribute("tier", .string) { $0.developerOnly = true },
                attribute("beta", .boolean),
            ]
        )
        let again = try PoolFixture(directory: fixture.directory)
        let users = again.service.users
        let schema = PoolSchema(try await again.service.pools.pool(pool.id).schema)
        #expect(schema.custom.map(\.name) == ["custom:team", "custom:level", "custom:badge", "dev:custom:tier", "custom:beta"])
        #expect(schema["email"]?.required == true && schema["custom:team"]?.maxLength == 5)
        #expect(schema.attributes.first?.name == "sub" && schema.attributes.count == 20 + 5)

        // Required, typed and constrained at creation.
        let ok: [UserRecord.Attribute] = [.init(name: "email", value: "a@example.com"), .init(name: "custom:badge", value: "gold")]
        await expectError("InvalidParameterException", "Attributes did not conform to the schema: email: The attribute is required") {
            _ = try await users.createUser(
                poolID: pool.id,
                username: "a",
                attributes: [.init(name: "custom:team", value: "ab")],
                temporaryPassword: nil
            )
        }
        for (name, value) in [
            ("custom:team", "a"), ("custom:team", "abcdef"), ("custom:level", "0"), ("custom:level", "11"), ("custom:level", "1.5"),
            ("custom:level", "99999999999999999999"), ("custom:level", "-99999999999999999999"), ("custom:level", ""),
            ("custom:beta", "yes"), ("custom:nope", "x"), ("birthdate", "1990-1-1"),
        ] {
            await expectError("InvalidParameterException") {
                _ = try await users.createUser(
                    poolID: pool.id,
                    username: "a",
                    attributes: ok + [.init(name: name, value: value)],
                    temporaryPassword: nil
                )
            }
        }
        await expectError("UserNotFoundException") { _ = try await users.user(poolID: pool.id, username: "a") }
        let edges: [UserRecord.Attribute] = [
            .init(name: "custom:team", value: "ab"), .init(name: "custom:level", value: "10"), .init(name: "custom:beta", value: "true"),
            .init(name: "dev:custom:tier", value: "vip"),
        ]
        _ = try await users.createUser(poolID: pool.id, username: "a", attributes: ok + edges, temporaryPassword: nil)

        // Immutable and required attributes stay; mutable ones change within their constraints.
        await expectError("InvalidParameterException", "Cannot modify the non-mutable attribute custom:badge") {
            try await users.updateAttributes(poolID: pool.id, username: "a", attributes: [.init(name: "custom:badge", value: "silver")])
        }
        await expectError("InvalidParameterException") { try await users.deleteAttributes(poolID: pool.id, username: "a", names: ["custom:badge"]) }
        await expectError("InvalidParameterException") { try await users.deleteAttributes(poolID: pool.id, username: "a", names: ["email"]) }
        await expectError("InvalidParameterException") { try await users.deleteAttributes(poolID: pool.id, username: "a", names: ["sub"]) }
        await expectError("InvalidParameterException") { try await users.deleteAttributes(poolID: pool.id, username: "a", names: ["custom:nope"]) }
        try await users.updateAttributes(poolID: pool.id, username: "a", attributes: [.init(name: "custom:level", value: "1")])
        try await users.deleteAttributes(poolID: pool.id, username: "a", names: ["custom:team"])
        let user = try await users.user(poolID: pool.id, username: "a")
        #expect(user.attribute("custom:level") == "1" && user.attribute("custom:team") == nil && user.attribute("custom:badge") == "gold")
    }

    @Test(arguments: [
        ([SchemaAttribute(name: "x:y", dataType: .string)], "InvalidParameterException"),
        ([SchemaAttribute(name: String(repeating: "n", count: 21), dataType: .string)], "InvalidParameterException"),
        ([SchemaAttribute(name: "team", dataType: .string), SchemaAttribute(name: "team", dataType: .number)], "InvalidParameterException"),
        (
            [
                {
                    var a = SchemaAttribute(name: "team", dataType: .string)
                    a.required = true
                    return a
                }()
            ], "InvalidParameterException"
        ),
        (
            [
                {
                    var a = SchemaAttribute(name: "team", dataType: .string)
                    a.maxLength = 2049
                    return a
                }()
            ], "InvalidParameterException"
        ),
        (
            [
                {
                    var a = SchemaAttribute(name: "team", dataType: .string)
                    (a.minLength, a.maxLength) = (5, 4)
                    return a
                }()
            ], "InvalidParameterException"
        ),
        (
            [
                {
                    var a = SchemaAttribute(name: "n", dataType: .number)
                    (a.minValue, a.maxValue) = (5, 4)
                    return a
                }()
            ], "InvalidParameterException"
        ),
        ((0..<25).map { SchemaAttribute(name: "more\($0)", dataType: .string) }, "LimitExceededException"),
    ])
    func badDefinitionsAreRefusedAndChangeNothing(_ attributes: [SchemaAttribute], _ type: String) async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(
            name: "p",
            schema: (0..<30).map { SchemaAttribute(name: "a\($0)", dataType: .string) }
        )
        await expectError(type) { try await fixture.service.pools.addCustomAttributes(poolID: pool.id, attributes) }
        #expect(try await fixture.service.pools.pool(pool.id).schema?.count == 30)
        await expectError("InvalidParameterException") {
            _ = try await fixture.service.pools.createPool(name: "q", schema: [SchemaAttribute(name: "email", dataType: .number)])
        }
    }

    @Test func clientsReadAndWriteOnlyTheirAttributes() async throws {
        let fixture = try PoolFixture()
        let pools = fixture.service.pools
        let pool = try await pools.createPool(name: "p", schema: [SchemaAttribute(name: "team", dataType: .string)])
        try await pools.addCustomAttributes(
            poolID: pool.id,
            [
                {
                    var a = SchemaAttribute(name: "tier", dataType: .string)
                    a.developerOnly = true
                    return a
                }()
            ]
        )
        var settings = ClientSettings.defaults
        settings.explicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        for (read, write) in [
            (["dev:custom:tier"], nil), (["custom:nope"], nil), (nil, ["email_verified"]), (nil, ["sub"]), (nil, ["dev:custom:tier"]),
        ] {
            var bad = settings
            (bad.readAttributes, bad.writeAttributes) = (read, write)
            await expectError("InvalidParameterException") {
                _ = try await pools.createClient(poolID: pool.id, name: "bad", generateSecret: false, settings: bad)
            }
        }
        settings.readAttributes = ["email", "nickname"]
        settings.writeAttributes = ["nickname"]
        let narrow = try await pools.createClient(poolID: pool.id, name: "narrow", generateSecret: false, settings: settings)
        let wide = try await fixture.client(pool)
        await expectError("NotAuthorizedException", "A client attempted to write unauthorized attribute custom:team") {
            _ = try await fixture.service.accounts.signUp(
                client: narrow,
                username: "b",
                password: "Passw0rd!",
                attributes: [.init(name: "custom:team", value: "x")],
                secretHash: nil
            )
        }
        try await fixture.confirmedUser(pool)
        try await fixture.service.users.updateAttributes(
            poolID: pool.id,
            username: "alice",
            attributes: [.init(name: "custom:team", value: "red"), .init(name: "dev:custom:tier", value: "vip")]
        )
        let narrowTokens = try await fixture.signIn(narrow)
        await expectError("NotAuthorizedException") {
            _ = try await fixture.service.accounts.updateOwnAttributes(
                accessToken: narrowTokens.access,
                attributes: [.init(name: "email", value: "x@example.com")]
            )
        }
        await expectError("NotAuthorizedException") {
            try await fixture.service.accounts.deleteOwnAttributes(accessToken: narrowTokens.access, names: ["custom:team"])
        }
        _ = try await fixture.service.accounts.updateOwnAttributes(
            accessToken: narrowTokens.access,
            attributes: [.init(name: "nickname", value: "Ally")]
        )
        let wideTokens = try await fixture.signIn(wide)
        await expectError("NotAuthorizedException") {
            _ = try await fixture.service.accounts.updateOwnAttributes(
                accessToken: wideTokens.access,
                attributes: [.init(name: "dev:custom:tier", value: "x")]
            )
        }
        _ = try await fixture.service.accounts.updateOwnAttributes(
            accessToken: wideTokens.access,
            attributes: [.init(name: "custom:team", value: "blue")]
        )
        let user = try await fixture.service.users.user(poolID: pool.id, username: "alice")
        #expect(user.attribute("nickname") == "Ally" && user.attribute("custom:team") == "blue" && user.attribute("dev:custom:tier") == "vip")
    }
}
