import GatehouseCore

/// What a user may carry, and which attributes only a code or an admin may write.
enum AttributeRules {
    /// Cognito's limits on what a user may carry: `AttributeType`'s name (1 to 32 characters of
    /// its pattern) and value (at most 2048 characters). A pool has at most 50 custom attributes
    /// (``SchemaRules/customLimit``), so with the standard ones a user is bounded at about 140 KB.
    enum Limits {
        static let nameLength = 1...32
        static let valueLength = 2048
        /// Attributes in one request: every standard and custom one at most once each.
        static let perRequest = 19 + SchemaRules.customLimit
    }

    /// Checks attributes a request writes against the pool's schema: known names within
    /// Cognito's limits, values of their type and constraints, no `sub`, and, unless the user
    /// is being created, nothing immutable.
    static func check(_ attributes: [UserRecord.Attribute], schema: PoolSchema, creating: Bool) throws(LocalPoolError) {
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
            guard attribute.value.count <= Limits.valueLength else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'userAttributes.member.value' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 2048"
                )
            }
            guard let defined = schema[name] else {
                throw .invalidParameter("Attributes did not conform to the schema: Type for attribute {\(name)} could not be determined")
            }
            guard defined.mutable || (creating && name != "sub") else {
                throw .invalidParameter("Cannot modify the non-mutable attribute \(name)")
            }
            if let problem = SchemaRules.problem(attribute.value, for: defined) {
                throw .invalidParameter("Attributes did not conform to the schema: \(problem)")
            }
        }
    }

    /// Checks that a new user carries every attribute the schema requires.
    static func checkRequired(_ attributes: [UserRecord.Attribute], schema: PoolSchema) throws(LocalPoolError) {
        for required in schema.attributes where required.required && required.name != "sub" {
            guard attributes.contains(where: { $0.name == required.name && !$0.value.isEmpty }) else {
                throw .invalidParameter("Attributes did not conform to the schema: \(required.name): The attribute is required")
            }
        }
    }

    /// Checks that attributes named `names` may be deleted: in the schema, neither required nor immutable.
    static func checkDeletable(_ names: [String], schema: PoolSchema) throws(LocalPoolError) {
        for name in names {
            guard let defined = schema[name] else {
                throw .invalidParameter("Invalid user attributes: user.\(name): Attribute does not exist in the schema.")
            }
            guard defined.mutable else { throw .invalidParameter("Cannot modify the non-mutable attribute \(name)") }
            guard !defined.required else {
                throw .invalidParameter("Attributes did not conform to the schema: \(name): The attribute is required")
            }
        }
    }

    /// Refuses attributes the app client may not write (its `WriteAttributes`; never a
    /// developer-only one), as Cognito does for the self-service calls.
    static func refuseUnwritable(_ attributes: [UserRecord.Attribute], client: ClientSettings, schema: PoolSchema) throws(LocalPoolError) {
        let writable = client.writableAttributes(schema)
        // A name outside the schema, and `sub`, are left to ``check(_:schema:creating:)``, which
        // refuses them as invalid parameters.
        if let refused = attributes.first(where: { schema[$0.name] != nil && $0.name != "sub" && !writable.contains($0.name) }) {
            throw .notAuthorized("A client attempted to write unauthorized attribute \(refused.name)")
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
