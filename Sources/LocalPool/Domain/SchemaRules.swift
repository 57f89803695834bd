import GatehouseCore

/// How a pool's schema is defined (CreateUserPool's `Schema`, AddCustomAttributes) and what it
/// allows a user to carry.
enum SchemaRules {
    /// At most this many custom attributes in a pool.
    static let customLimit = 50

    /// The schema of a pool after adding `requested` to `existing` (nil: a new pool). A name that
    /// is a standard attribute configures it (only at creation); any other is a custom attribute,
    /// named `custom:NAME` (or `dev:custom:NAME` when developer-only).
    static func adding(_ requested: [SchemaAttribute], to existing: [SchemaAttribute]?) throws(LocalPoolError) -> [SchemaAttribute] {
        var schema = existing ?? []
        for var attribute in requested {
            let standard = PoolSchema.standard.first { $0.name == attribute.name }
            if let standard, existing == nil {
                try checkStandard(attribute, standard)
            } else {
                try checkCustom(&attribute)
                guard !schema.contains(where: { $0.name == attribute.name || $0.name == "dev:" + attribute.name }) else {
                    throw .invalidParameter("\(attribute.name): Existing attribute already has name \(attribute.name).")
                }
            }
            try checkConstraints(attribute)
            schema.removeAll { $0.name == attribute.name }
            schema.append(attribute)
        }
        guard schema.count(where: \.isCustom) <= customLimit else {
            throw LocalPoolError(.limitExceeded, "A user pool may have at most \(customLimit) custom attributes.")
        }
        return schema
    }

    private static func checkStandard(_ attribute: SchemaAttribute, _ standard: SchemaAttribute) throws(LocalPoolError) {
        guard attribute.dataType == standard.dataType, !attribute.developerOnly else {
            throw .invalidParameter(
                "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute \(attribute.name)"
            )
        }
        guard attribute.name != "sub" || (attribute.required && !attribute.mutable) else {
            throw .invalidParameter("sub must stay required and immutable.")
        }
    }

    private static func checkCustom(_ attribute: inout SchemaAttribute) throws(LocalPoolError) {
        let base = attribute.name
        guard (1...20).contains(base.count), InputPatterns.isUsername(base), !base.contains(":") else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'customAttributes.member.name' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length 1 to 20"
            )
        }
        guard !attribute.required else { throw .invalidParameter("Required custom attributes are not supported currently.") }
        attribute.name = (attribute.developerOnly ? "dev:custom:" : "custom:") + base
    }

    private static func checkConstraints(_ attribute: SchemaAttribute) throws(LocalPoolError) {
        let name = attribute.name
        switch attribute.dataType {
        case .string:
            let lengths = [attribute.minLength, attribute.maxLength].compactMap(\.self)
            guard lengths.allSatisfy({ $0 >= 0 }) else { throw .invalidParameter("Invalid StringAttributeConstraints for schema attribute \(name)") }
            guard lengths.allSatisfy({ $0 <= 2048 }) else {
                throw .invalidParameter("user.\(name): String attributes cannot have a length of more than 2048")
            }
            if let min = attribute.minLength, let max = attribute.maxLength, min > max {
                throw .invalidParameter("user.\(name): Max length cannot be less than min length.")
            }
        case .number:
            if let min = attribute.minValue, let max = attribute.maxValue, min > max {
                throw .invalidParameter("user.\(name): Max value cannot be less than min value.")
            }
        case .dateTime, .boolean:
            break
        }
    }

    /// Why `value` cannot be attribute `attribute`'s, or nil when it can.
    static func problem(_ value: String, for attribute: SchemaAttribute) -> String? {
        let name = attribute.name
        switch attribute.dataType {
        case .string:
            if let min = attribute.minLength, value.count < min { return "\(name): String must be at least \(min) characters long" }
            if let max = attribute.maxLength, value.count > max { return "\(name): String must be at most \(max) characters long" }
        case .number:
            let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
            guard !digits.isEmpty, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else {
                return "\(name): Number must be an integer"
            }
            let negative = value.hasPrefix("-")
            // A number past Int64 is past every bound, on the side of its sign.
            let number = Int64(value)
            if let min = attribute.minValue, number.map({ $0 < min }) ?? negative { return "\(name): Number must be at least \(min)" }
            if let max = attribute.maxValue, number.map({ $0 > max }) ?? !negative { return "\(name): Number must be at most \(max)" }
        case .boolean:
            guard value == "true" || value == "false" else { return "\(name): Boolean must be true or false" }
        case .dateTime:
            break
        }
        return nil
    }
}
