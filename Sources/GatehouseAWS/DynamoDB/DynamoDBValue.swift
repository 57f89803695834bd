public import GatehouseCore

/// A DynamoDB attribute value, as the JSON 1.0 protocol spells it (`{"S": "…"}`, `{"N": "1"}`, …).
public indirect enum DynamoDBValue: Sendable, Equatable {
    /// A string (`S`).
    case string(String)
    /// A number, kept as DynamoDB's decimal text (up to 38 digits; no precision lost).
    case number(String)
    /// Bytes (`B`, base64 on the wire).
    case binary([UInt8])
    /// A boolean (`BOOL`).
    case bool(Bool)
    /// Null (`NULL`).
    case null
    /// A set of strings (`SS`).
    case stringSet([String])
    /// A set of numbers, as their decimal text (`NS`).
    case numberSet([String])
    /// A list (`L`).
    case list([DynamoDBValue])
    /// A map (`M`).
    case map([String: DynamoDBValue])

    /// A number from an integer.
    public static func number(_ value: Int) -> DynamoDBValue { .number(String(value)) }

    /// The string, for `S`.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The integer, for an `N` that is one.
    public var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    /// The bytes, for `B`.
    public var binaryValue: [UInt8]? {
        if case .binary(let bytes) = self { return bytes }
        return nil
    }

    /// The value as its protocol JSON.
    public func json() -> [UInt8] {
        var writer = JSONWriter()
        switch self {
        case .string(let text): writer.add("S", text)
        case .number(let text): writer.add("N", text)
        case .binary(let bytes): writer.add("B", Base64URL.encodeStandard(bytes))
        case .bool(let flag): writer.add("BOOL", flag)
        case .null: writer.add("NULL", true)
        case .stringSet(let items): writer.add("SS", items)
        case .numberSet(let items): writer.add("NS", items)
        case .list(let items):
            var list: [UInt8] = [UInt8(ascii: "[")]
            for (index, item) in items.enumerated() {
                if index > 0 { list.append(UInt8(ascii: ",")) }
                list += item.json()
            }
            list.append(UInt8(ascii: "]"))
            writer.add("L", json: list)
        case .map(let fields): writer.add("M", json: Self.json(fields))
        }
        return writer.finish()
    }

    /// An item (or key, or value map) as protocol JSON, its names in sorted order.
    public static func json(_ fields: [String: DynamoDBValue]) -> [UInt8] {
        var writer = JSONWriter()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { writer.add(name, json: value.json()) }
        return writer.finish()
    }

    /// The value in protocol JSON, or nil when it is not one.
    public init?(_ json: JSONValue) {
        guard let object = json.objectValue, object.count == 1, let (type, value) = object.first else { return nil }
        switch type {
        case "S":
            guard let text = value.stringValue else { return nil }
            self = .string(text)
        case "N":
            guard let text = value.stringValue else { return nil }
            self = .number(text)
        case "B":
            guard let text = value.stringValue, let bytes = Base64URL.decodeEither(text) else { return nil }
            self = .binary(bytes)
        case "BOOL":
            guard let flag = value.boolValue else { return nil }
            self = .bool(flag)
        case "NULL": self = .null
        case "SS":
            guard let items = value.arrayValue?.compactMap(\.stringValue) else { return nil }
            self = .stringSet(items)
        case "NS":
            guard let items = value.arrayValue?.compactMap(\.stringValue) else { return nil }
            self = .numberSet(items)
        case "L":
            guard let items = value.arrayValue else { return nil }
            let values = items.compactMap(DynamoDBValue.init)
            guard values.count == items.count else { return nil }
            self = .list(values)
        case "M":
            guard let fields = value.objectValue.flatMap(Self.item) else { return nil }
            self = .map(fields)
        default: return nil
        }
    }

    /// An item from protocol JSON, or nil when a value is not one.
    public static func item(_ object: [String: JSONValue]) -> [String: DynamoDBValue]? {
        var item: [String: DynamoDBValue] = [:]
        for (name, json) in object {
            guard let value = DynamoDBValue(json) else { return nil }
            item[name] = value
        }
        return item
    }
}
