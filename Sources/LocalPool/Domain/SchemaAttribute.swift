import GatehouseCore

/// One attribute of a pool's schema (`SchemaAttributeType`): a standard attribute as the pool
/// configured it, or a custom one (`custom:NAME`, or `dev:custom:NAME` when only admins may see
/// and write it).
public struct SchemaAttribute: Codable, Sendable, Equatable {
    /// `AttributeDataType`.
    public enum DataType: String, Codable, Sendable, CaseIterable {
        /// Text, with ``SchemaAttribute/minLength`` and ``SchemaAttribute/maxLength``.
        case string = "String"
        /// An integer, with ``SchemaAttribute/minValue`` and ``SchemaAttribute/maxValue``.
        case number = "Number"
        /// A date and time (stored as given).
        case dateTime = "DateTime"
        /// `true` or `false`.
        case boolean = "Boolean"
    }

    /// The full name (`email`, `custom:team`, `dev:custom:tier`).
    public var name: String
    /// Its type.
    public var dataType: DataType
    /// `DeveloperOnlyAttribute`: only admin calls read and write it.
    public var developerOnly: Bool = false
    /// `Mutable`: when false, it is written when the user is created and never after.
    public var mutable: Bool = true
    /// `Required`: every user has it (standard attributes only, as in Cognito).
    public var required: Bool = false
    /// `StringAttributeConstraints` (strings): the length allowed.
    public var minLength: Int? = nil
    /// See ``minLength``.
    public var maxLength: Int? = nil
    /// `NumberAttributeConstraints` (numbers): the values allowed.
    public var minValue: Int64? = nil
    /// See ``minValue``.
    public var maxValue: Int64? = nil

    /// Whether it is one of the pool's own attributes rather than a standard one.
    public var isCustom: Bool { name.hasPrefix("custom:") || name.hasPrefix("dev:custom:") }

    /// An attribute of `type` called `name`.
    public init(name: String, dataType: DataType) {
        self.name = name
        self.dataType = dataType
    }
}

/// A pool's whole schema: the standard attributes (with the pool's settings for them) and its
/// custom attributes, by name.
public struct PoolSchema: Sendable {
    /// Every attribute, in Cognito's order: standard ones first, then custom ones as added.
    public let attributes: [SchemaAttribute]
    private let byName: [String: SchemaAttribute]

    /// The schema of a pool that configured `stored` (standard overrides and custom attributes).
    public init(_ stored: [SchemaAttribute]?) {
        let configured = Dictionary((stored ?? []).map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        let standard = Self.standard.map { configured[$0.name] ?? $0 }
        attributes = standard + (stored ?? []).filter(\.isCustom)
        byName = Dictionary(attributes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The attribute called `name`, if the pool has it.
    public subscript(name: String) -> SchemaAttribute? { byName[name] }

    /// The custom attributes.
    public var custom: [SchemaAttribute] { attributes.filter(\.isCustom) }

    /// Names an app client may read or write unless its `ReadAttributes` / `WriteAttributes`
    /// narrow them: everything but developer-only attributes.
    public var clientVisible: [String] { attributes.filter { !$0.developerOnly }.map(\.name) }

    /// Cognito's standard schema, as a new pool describes it.
    public static let standard: [SchemaAttribute] = {
        func string(_ name: String, mutable: Bool = true, required: Bool = false, min: Int = 0) -> SchemaAttribute {
            var attribute = SchemaAttribute(name: name, dataType: .string)
            attribute.mutable = mutable
            attribute.required = required
            attribute.minLength = min
            attribute.maxLength = 2048
            return attribute
        }
        var updatedAt = SchemaAttribute(name: "updated_at", dataType: .number)
        updatedAt.minValue = 0
        var birthdate = string("birthdate")
        (birthdate.minLength, birthdate.maxLength) = (10, 10)
        return [string("sub", mutable: false, required: true, min: 1)]
            + ["name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website", "email"]
            .map { string($0) }
            + [SchemaAttribute(name: "email_verified", dataType: .boolean), string("gender"), birthdate, string("zoneinfo"), string("locale")]
            + [string("phone_number"), SchemaAttribute(name: "phone_number_verified", dataType: .boolean), string("address"), updatedAt]
    }()
}

extension ClientSettings {
    /// The attributes the client reads (GetUser, ID tokens, userInfo): its `ReadAttributes`, or
    /// every one but the developer-only ones.
    public func readableAttributes(_ schema: PoolSchema) -> Set<String> {
        Set(readAttributes ?? schema.clientVisible).union(["sub"])
    }

    /// The attributes the client's users may write: its `WriteAttributes`, or every one but
    /// the developer-only ones; never `sub` or a verified flag (only a code or an admin sets those).
    public func writableAttributes(_ schema: PoolSchema) -> Set<String> {
        Set(writeAttributes ?? schema.clientVisible).subtracting(["sub"]).subtracting(AttributeRules.verifiedFlags)
    }
}
