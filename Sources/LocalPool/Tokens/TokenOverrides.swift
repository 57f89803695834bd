import GatehouseCore

/// What a PreTokenGeneration trigger changes in a token pair: claims added or overridden and
/// claims suppressed per token, scopes added and suppressed in the access token, and the groups
/// (`cognito:groups` in both tokens, the roles in the ID token). Claims that make the token what
/// it is cannot be changed (Cognito's list); attempts are left out and reported.
package struct TokenOverrides: Sendable, Equatable {
    /// One token's changes.
    struct Claims: Sendable, Equatable {
        var addOrOverride: [String: JSONValue] = [:]
        var suppress: [String] = []
        var isEmpty: Bool { addOrOverride.isEmpty && suppress.isEmpty }
    }

    var id = Claims()
    var access = Claims()
    var scopesToAdd: [String] = []
    var scopesToSuppress: [String] = []
    /// `groupOverrideDetails`: nil leaves the groups as they are.
    var groups: (names: [String], roles: [String], preferredRole: String?)?

    package static func == (left: TokenOverrides, right: TokenOverrides) -> Bool {
        left.id == right.id && left.access == right.access && left.scopesToAdd == right.scopesToAdd
            && left.scopesToSuppress == right.scopesToSuppress && left.groups?.names == right.groups?.names
            && left.groups?.roles == right.groups?.roles && left.groups?.preferredRole == right.groups?.preferredRole
    }

    /// Whether the answer changes nothing (the tokens are then issued as they would be without it).
    var isEmpty: Bool { id.isEmpty && access.isEmpty && scopesToAdd.isEmpty && scopesToSuppress.isEmpty && groups == nil }

    /// The claims no trigger changes in an ID token.
    package static let protectedIDClaims: Set<String> = [
        "acr", "amr", "aud", "auth_time", "azp", "exp", "iat", "identities", "iss", "sub", "token_use", "nonce", "at_hash",
        "cognito:username", "jti", "origin_jti", "event_id", "nbf", "cognito:groups", "cognito:roles", "cognito:preferred_role",
    ]
    /// The claims no trigger changes in an access token.
    package static let protectedAccessClaims: Set<String> = [
        "acr", "amr", "aud", "auth_time", "azp", "exp", "iat", "iss", "sub", "token_use", "jti", "origin_jti", "event_id", "nbf",
        "client_id", "scope", "username", "version", "cognito:groups", "device_key",
    ]

    /// The claims the trigger tried to change that no trigger may, for the log.
    var refused: [String] {
        let id = (Array(self.id.addOrOverride.keys) + self.id.suppress).filter(Self.protectedIDClaims.contains)
        let access = (Array(self.access.addOrOverride.keys) + self.access.suppress).filter(Self.protectedAccessClaims.contains)
        return (id.map { "id:" + $0 } + access.map { "access:" + $0 }).sorted()
    }

    /// `claims` (a token's JSON object) with the changes for the ID (`isID`) or access token applied.
    package func apply(to claims: [UInt8], isID: Bool) throws -> [UInt8] {
        guard case .object(var members) = try JSONParser.parse(claims) else { return claims }
        let changes = isID ? id : access
        let protected = isID ? Self.protectedIDClaims : Self.protectedAccessClaims
        for name in changes.suppress where !protected.contains(name) { members[name] = nil }
        for (name, value) in changes.addOrOverride where !protected.contains(name) { members[name] = value }
        if let groups {
            members["cognito:groups"] = groups.names.isEmpty ? nil : .array(groups.names.map(JSONValue.string))
            if isID {
                members["cognito:roles"] = groups.roles.isEmpty ? nil : .array(groups.roles.map(JSONValue.string))
                members["cognito:preferred_role"] = groups.preferredRole.map(JSONValue.string)
            }
        }
        if !isID, !scopesToAdd.isEmpty || !scopesToSuppress.isEmpty, let scope = members["scope"]?.stringValue {
            var scopes = scope.split(separator: " ").map(String.init)
            for added in scopesToAdd where !scopes.contains(added) { scopes.append(added) }
            scopes.removeAll { scopesToSuppress.contains($0) }
            members["scope"] = .string(scopes.joined(separator: " "))
        }
        return JSONValue.object(members).serialized
    }
}
