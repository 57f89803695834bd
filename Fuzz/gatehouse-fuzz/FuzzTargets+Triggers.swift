import GatehouseCore
import LocalPool

extension FuzzTargets {
    /// A trigger function's answer, picked by the first byte modulo 6: PreTokenGeneration's
    /// `claimsOverrideDetails` (0) or `claimsAndScopeOverrideDetails` (1), read and applied to a
    /// token's claims, whatever it says, the claims that make the token what it is stay as they
    /// were; UserMigration's `response` at sign-in (2) or for a forgotten password (3), which
    /// gives attributes and a status Cognito allows, or an error; DefineAuthChallenge's (4) and
    /// CreateAuthChallenge's (5).
    static let triggerResponse: FuzzTarget = { bytes in
        guard let first = bytes.first, let details = try? JSONParser.parse(Array(bytes.dropFirst())) else { return }
        // What the pool writes back (events, claims) reads as what it read.
        precondition((try? JSONParser.parse(details.serialized)) == details, "JSON written does not read back")
        switch first % 6 {
        case 0, 1: tokenOverrides(details, versionOne: first % 6 == 0)
        case 2, 3: userMigration(details, forgotPassword: first % 6 == 3)
        default: customAuth(details, define: first % 6 == 4)
        }
    }

    static func customAuth(_ response: JSONValue, define: Bool) {
        guard case .object(let members) = response else { return }
        if define {
            guard let decision = try? Triggers.decision(members) else { return }
            if case .challenge(let name) = decision {
                precondition(name == "CUSTOM_CHALLENGE" || name == "PASSWORD_VERIFIER", "challenge \(name)")
                precondition(members["failAuthentication"]?.boolValue != true, "a failed sign-in goes on")
            }
            if decision == .issueTokens { precondition(members["failAuthentication"]?.boolValue != true, "a failed sign-in signs in") }
        } else {
            _ = try? Triggers.challenge(members)
        }
    }

    static func tokenOverrides(_ details: JSONValue, versionOne: Bool) {
        guard let overrides = versionOne ? Triggers.versionOne(details) : Triggers.versionTwo(details) else { return }
        let claims = Array(#"{"sub":"s","iss":"i","token_use":"access","scope":"a b","client_id":"c","exp":1}"#.utf8)
        for isID in [true, false] {
            guard let applied = try? JSONParser.parse(overrides.apply(to: claims, isID: isID)).objectValue else {
                preconditionFailure("the claims no longer an object")
            }
            for name in ["sub", "iss", "token_use", "exp"] {
                precondition(applied[name] == (try? JSONParser.parse(claims).objectValue?[name]) ?? nil, "\(name) changed")
            }
        }
    }

    static func userMigration(_ response: JSONValue, forgotPassword: Bool) {
        guard case .object(let members) = response,
            let migrated = try? Triggers.migrated(members, clientID: "client", forgotPassword: forgotPassword)
        else { return }
        precondition(!migrated.attributes.isEmpty || members["userAttributes"]?.objectValue?["username"] != nil, "no attributes")
        precondition(!migrated.attributes.contains { $0.name == "username" }, "username kept as an attribute")
        precondition(!forgotPassword || migrated.status == .resetRequired, "a forgotten password migrated as confirmed")
        precondition(migrated.status == .confirmed || migrated.status == .resetRequired, "status \(migrated.status)")
    }
}
