package import GatehouseCore
import Logging

/// The PreTokenGeneration trigger: the `V1_0` event (the ID token's claims) or the `V2_0` and
/// `V3_0` events (both tokens' claims and the access token's scopes), and their answers read
/// into ``TokenOverrides``.
extension Triggers {
    /// The changes the pool's PreTokenGeneration function makes to `user`'s tokens for `source`
    /// (`TokenGeneration_Authentication`, …), or nil when the pool has none.
    func tokenOverrides(
        pool: PoolRecord,
        source: String,
        user: UserRecord,
        groups: [GroupRecord],
        client: ClientRecord,
        scopes: [String],
        clientMetadata: [String: String]? = nil
    ) async throws(LocalPoolError) -> TokenOverrides? {
        guard let (arn, version) = pool.lambdaConfig?.tokenGeneration else { return nil }
        let roles = groups.compactMap(\.roleArn)
        var request: [String: JSONValue] = [
            "userAttributes": Self.attributes(user.attributes + [UserRecord.Attribute(name: "sub", value: user.sub)]),
            "groupConfiguration": .object([
                "groupsToOverride": .array(groups.map { .string($0.name) }),
                "iamRolesToOverride": .array(roles.map(JSONValue.string)),
                "preferredRole": roles.first.map(JSONValue.string) ?? .null,
            ]),
            "clientMetadata": Self.strings(clientMetadata ?? [:]),
        ]
        let isV1 = version == "V1_0"
        if !isV1 { request["scopes"] = .array(scopes.map(JSONValue.string)) }
        let detailsName = isV1 ? "claimsOverrideDetails" : "claimsAndScopeOverrideDetails"
        let answer = try await run(
            "PreTokenGeneration",
            arn: arn,
            source: source,
            poolID: pool.id,
            Invocation(userName: user.username, clientID: client.id, request: request, response: [detailsName: .null]),
            version: isV1 ? "1" : version == "V2_0" ? "2" : "3"
        )
        guard let answer, let details = answer[detailsName], details != .null else { return nil }
        guard let overrides = isV1 ? Self.versionOne(details) : Self.versionTwo(details) else {
            throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
        }
        guard !overrides.isEmpty else { return nil }
        if !overrides.refused.isEmpty {
            context.logger.warning("gatehouse.pool.trigger_claims_refused", metadata: ["gatehouse.claims": "\(overrides.refused)"])
        }
        return overrides
    }

    /// The changes a `V3_0` PreTokenGeneration function makes to a client's own access token
    /// (`TokenGeneration_ClientCredentials`): claims and scopes, no groups; nil for a pool without
    /// one (the `V1_0` and `V2_0` events are for users' tokens only).
    func clientCredentialsOverrides(
        pool: PoolRecord,
        client: ClientRecord,
        scopes: [String],
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> TokenOverrides? {
        guard let (arn, version) = pool.lambdaConfig?.tokenGeneration, version == "V3_0" else { return nil }
        let answer = try await run(
            "PreTokenGeneration",
            arn: arn,
            source: "TokenGeneration_ClientCredentials",
            poolID: pool.id,
            Invocation(
                userName: client.id,
                clientID: client.id,
                request: [
                    "userAttributes": .object([:]),
                    "groupConfiguration": .object(["groupsToOverride": .array([]), "iamRolesToOverride": .array([]), "preferredRole": .null]),
                    "scopes": .array(scopes.map(JSONValue.string)),
                    "clientMetadata": Self.strings(clientMetadata ?? [:]),
                ],
                response: ["claimsAndScopeOverrideDetails": .null]
            ),
            version: "3"
        )
        guard let details = answer?["claimsAndScopeOverrideDetails"], details != .null else { return nil }
        guard var overrides = Self.versionTwo(details) else { throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output") }
        // A client has no groups: an answer about them changes nothing.
        overrides.groups = nil
        return overrides.isEmpty ? nil : overrides
    }

    /// `claimsOverrideDetails`: the ID token's claims (strings, as V1 takes them) and the groups.
    package static func versionOne(_ details: JSONValue) -> TokenOverrides? {
        guard case .object(let members) = details else { return nil }
        var overrides = TokenOverrides()
        guard let id = claims(members["claimsToAddOrOverride"], members["claimsToSuppress"]) else { return nil }
        guard id.addOrOverride.values.allSatisfy({ $0.stringValue != nil }) else { return nil }
        overrides.id = id
        guard groupOverride(members["groupOverrideDetails"], into: &overrides) else { return nil }
        return overrides
    }

    /// `claimsAndScopeOverrideDetails`: each token's claims, the access token's scopes, the groups.
    package static func versionTwo(_ details: JSONValue) -> TokenOverrides? {
        guard case .object(let members) = details else { return nil }
        var overrides = TokenOverrides()
        let id = members["idTokenGeneration"]?.objectValue ?? [:]
        let access = members["accessTokenGeneration"]?.objectValue ?? [:]
        guard let idClaims = claims(id["claimsToAddOrOverride"], id["claimsToSuppress"]),
            let accessClaims = claims(access["claimsToAddOrOverride"], access["claimsToSuppress"]),
            let added = strings(access["scopesToAdd"]), let suppressed = strings(access["scopesToSuppress"])
        else { return nil }
        overrides.id = idClaims
        overrides.access = accessClaims
        overrides.scopesToAdd = added
        overrides.scopesToSuppress = suppressed
        guard groupOverride(members["groupOverrideDetails"], into: &overrides) else { return nil }
        return overrides
    }

    private static func claims(_ add: JSONValue?, _ suppress: JSONValue?) -> TokenOverrides.Claims? {
        var claims = TokenOverrides.Claims()
        switch add {
        case nil, .null?: break
        case .object(let members)?: claims.addOrOverride = members
        default: return nil
        }
        guard let suppressed = strings(suppress) else { return nil }
        claims.suppress = suppressed
        return claims
    }

    /// The strings of a JSON array (nil or null: none; anything else: nil).
    private static func strings(_ value: JSONValue?) -> [String]? {
        switch value {
        case nil, .null?: return []
        case .array(let items)?:
            let strings = items.compactMap(\.stringValue)
            return strings.count == items.count ? strings : nil
        default: return nil
        }
    }

    private static func groupOverride(_ value: JSONValue?, into overrides: inout TokenOverrides) -> Bool {
        switch value {
        case nil, .null?: return true
        case .object(let members)?:
            guard let names = strings(members["groupsToOverride"]), let roles = strings(members["iamRolesToOverride"]) else { return false }
            overrides.groups = (names, roles, members["preferredRole"]?.stringValue)
            return true
        default: return false
        }
    }
}
