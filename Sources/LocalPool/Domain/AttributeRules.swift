import GatehouseCore

/// What a user may carry, and which attributes only a code or an admin may write.
enum AttributeRules {
    /// Standard attributes a user may carry (besides `sub`, which the pool assigns), and `custom:*`.
    static let standard: Set<String> = [
        "address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name", "locale",
        "middle_name", "name", "nickname", "phone_number", "phone_number_verified", "picture",
        "preferred_username", "profile", "updated_at", "website", "zoneinfo",
    ]

    /// Cognito's limits on what a user may carry: `AttributeType`'s name (1 to 32 characters of
    /// its pattern) and value (at most 2048 characters); custom attributes' names (1 to 20
    /// characters after `custom:`) and count (at most 50 in a pool's schema, so at most 50 per
    /// user). With the standard attributes that bounds a user at about 140 KB.
    enum Limits {
        static let nameLength = 1...32
        static let customNameLength = 1...20
        static let valueLength = 2048
        static let customPerUser = 50
        /// Attributes in one request: every standard and custom one at most once each.
        static let perRequest = 19 + 50
    }

    /// Checks attributes a request writes: known names within Cognito's limits, no `sub`.
    static func check(_ attributes: [UserRecord.Attribute]) throws(LocalPoolError) {
        guard attributes.count <= Limits.perRequest else {
            throw .invalidParameter("Too many attributes: at most \(Limits.perRequest) in one request")
        }
        for attribute in attributes {
            let name = attribute.name
            guard Limits.nameLength.contains(name.count), InputPatterns.isUsername(name) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'userAttributes.member.name' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length 1 to 32"
                )
            }
            if name == "sub" {
                throw .invalidParameter("Cannot modify the non-mutable attribute sub")
            }
            let custom = name.hasPrefix("custom:")
            guard standard.contains(name) || (custom && Limits.customNameLength.contains(name.count - 7)) else {
                throw .invalidParameter("Attributes did not conform to the schema: Type for attribute {\(name)} could not be determined")
            }
            guard attribute.value.count <= Limits.valueLength else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'userAttributes.member.value' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 2048"
                )
            }
        }
    }

    /// Checks what a user would carry after a write: at most ``Limits/customPerUser`` custom attributes.
    static func checkCustomCount(_ attributes: [UserRecord.Attribute]) throws(LocalPoolError) {
        let custom = Set(attributes.lazy.map(\.name).filter { $0.hasPrefix("custom:") })
        guard custom.count <= Limits.customPerUser else {
            throw .invalidParameter("A user may have at most \(Limits.customPerUser) custom attributes")
        }
    }

    /// The flags only a code or an admin may set.
    static let verifiedFlags: Set<String> = ["email_verified", "phone_number_verified"]

    /// Refuses a self-service write of `email_verified` or `phone_number_verified`, as Cognito
    /// refuses attributes an app client may not write.
    static func refuseVerifiedFlags(_ attributes: [UserRecord.Attribute]) throws(LocalPoolError) {
        if let flag = attributes.first(where: { verifiedFlags.contains($0.name) }) {
            throw .notAuthorized("A client attempted to write unauthorized attribute \(flag.name)")
        }
    }

    /// `attributes` plus `email_verified` / `phone_number_verified` set to false for an email or
    /// phone number that differs from `user`'s.
    static func unverifyingChanged(_ attributes: [UserRecord.Attribute], of user: UserRecord) -> [UserRecord.Attribute] {
        var changes = attributes
        for (name, flag) in [("email", "email_verified"), ("phone_number", "phone_number_verified")] {
            if let value = attributes.last(where: { $0.name == name })?.value, value != user.attribute(name) {
                changes.append(UserRecord.Attribute(name: flag, value: "false"))
            }
        }
        return changes
    }
}

extension UserRecord {
    /// Sets attribute `name` to `value`, adding it when the user has none.
    mutating func set(_ name: String, _ value: String) {
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            attributes[index].value = value
        } else {
            attributes.append(Attribute(name: name, value: value))
        }
    }

    /// Adds or replaces `changes`.
    mutating func merge(_ changes: [Attribute]) {
        for attribute in changes { set(attribute.name, attribute.value) }
    }
}
