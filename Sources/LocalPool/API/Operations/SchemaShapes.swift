/// `SchemaAttributeType`, as CreateUserPool and AddCustomAttributes take it and DescribeUserPool
/// answers it (constraints are strings on the wire).
struct SchemaAttributeType: Codable, Sendable {
    struct StringConstraints: Codable, Sendable {
        var minLength: String?
        var maxLength: String?
    }
    struct NumberConstraints: Codable, Sendable {
        var minValue: String?
        var maxValue: String?
    }
    var name: String?
    var attributeDataType: String?
    var developerOnlyAttribute: Bool?
    var mutable: Bool?
    var required: Bool?
    var numberAttributeConstraints: NumberConstraints?
    var stringAttributeConstraints: StringConstraints?

    init(_ attribute: SchemaAttribute) {
        name = attribute.name
        attributeDataType = attribute.dataType.rawValue
        developerOnlyAttribute = attribute.developerOnly
        mutable = attribute.mutable
        required = attribute.required
        switch attribute.dataType {
        case .string:
            stringAttributeConstraints = StringConstraints(
                minLength: attribute.minLength.map(String.init),
                maxLength: attribute.maxLength.map(String.init)
            )
        case .number:
            numberAttributeConstraints = NumberConstraints(
                minValue: attribute.minValue.map(String.init),
                maxValue: attribute.maxValue.map(String.init)
            )
        case .dateTime, .boolean:
            break
        }
    }

    /// The attributes asked for in `member`, at most `limit` of them.
    static func attributes(_ shapes: [SchemaAttributeType]?, member: String, limit: Int) throws(LocalPoolError) -> [SchemaAttribute]? {
        guard let shapes else { return nil }
        guard shapes.count <= limit else {
            throw .invalidParameter(
                "1 validation error detected: Value at '\(member)' failed to satisfy constraint: Member must have length less than or equal to \(limit)"
            )
        }
        var attributes: [SchemaAttribute] = []
        for shape in shapes { attributes.append(try shape.attribute()) }
        return attributes
    }

    /// The attribute asked for. A standard name may leave out its type; a custom one may not.
    func attribute() throws(LocalPoolError) -> SchemaAttribute {
        let name = try Validate.nonEmpty(name ?? "", "schema.member.name")
        let standard = PoolSchema.standard.first { $0.name == name }
        var attribute: SchemaAttribute
        if let attributeDataType {
            guard let type = SchemaAttribute.DataType(rawValue: attributeDataType) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'schema.member.attributeDataType' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [Boolean, Number, String, DateTime]"
                )
            }
            attribute = SchemaAttribute(name: name, dataType: type)
        } else if let standard {
            attribute = SchemaAttribute(name: name, dataType: standard.dataType)
        } else {
            throw .invalidParameter("Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
        }
        attribute.developerOnly = developerOnlyAttribute ?? false
        attribute.mutable = mutable ?? standard?.mutable ?? true
        attribute.required = required ?? standard?.required ?? false
        (attribute.minLength, attribute.maxLength) = (standard?.minLength, standard?.maxLength)
        (attribute.minValue, attribute.maxValue) = (standard?.minValue, standard?.maxValue)
        if let strings = stringAttributeConstraints, attribute.dataType == .string {
            attribute.minLength = try Self.number(strings.minLength, "StringAttributeConstraints", name).map(Int.init) ?? attribute.minLength
            attribute.maxLength = try Self.number(strings.maxLength, "StringAttributeConstraints", name).map(Int.init) ?? attribute.maxLength
        }
        if let numbers = numberAttributeConstraints, attribute.dataType == .number {
            attribute.minValue = try Self.number(numbers.minValue, "NumberAttributeConstraints", name) ?? attribute.minValue
            attribute.maxValue = try Self.number(numbers.maxValue, "NumberAttributeConstraints", name) ?? attribute.maxValue
        }
        return attribute
    }

    /// A constraint's value: an integer within Int64 (lengths are checked against 0...2048 later).
    private static func number(_ text: String?, _ member: String, _ name: String) throws(LocalPoolError) -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text) else {
            throw .invalidParameter("Invalid \(member) for schema attribute \(name.prefix(32))")
        }
        return value
    }
}
