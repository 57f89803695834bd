import Foundation
import GatehouseCore

/// One operation of the cognito-idp API: its request and response shapes (Cognito's member names,
/// PascalCase on the wire, camelCase here) and what it does.
protocol CognitoOperation: Sendable {
    associatedtype Request: Decodable & Sendable
    associatedtype Response: Encodable & Sendable
    /// The operation's name, as in `X-Amz-Target`.
    static var name: String { get }
    /// Runs the operation.
    static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response
}

/// An operation with its shapes erased: JSON in, JSON out.
struct OperationHandler: Sendable {
    let run: @Sendable (CognitoAPI, [UInt8]) async throws(LocalPoolError) -> [UInt8]
}

extension CognitoOperation {
    /// This operation behind the erased interface.
    static var handler: OperationHandler {
        OperationHandler { api, body throws(LocalPoolError) in
            let request = try OperationCoding.decode(Request.self, from: body)
            return try OperationCoding.encode(try await run(request, api: api))
        }
    }
}

/// An empty request or response: `{}`.
struct EmptyShape: Codable, Sendable {}

/// Cognito's member names (`UserPoolId`) to and from Swift's (`userPoolId`), and decoding
/// errors as Cognito words them.
enum OperationCoding {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The members that are JSON documents (Smithy's `document`): their keys are the document's own.
    static let documentMembers: Set<String> = ["credential", "credentialCreationOptions"]

    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(LocalPoolError) -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last!.stringValue
            // A JSON document member (a WebAuthn credential) keeps its keys as they are.
            if path.count > 1, documentMembers.contains(path[0].stringValue) { return Key(stringValue: key) }
            return Key(stringValue: key.prefix(1).lowercased() + key.dropFirst())
        }
        do {
            return try decoder.decode(type, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty && (try? JSONParser.parse(body)) == nil {
            // Not JSON at all (the first byte said an object was coming). Foundation's decoder
            // words a number that fits no member the same way, so only a failure is parsed again,
            // to tell the two apart.
            throw LocalPoolError(.serialization, "The request body is not a JSON object.")
        } catch DecodingError.keyNotFound(let key, _) {
            throw missing(key)
        } catch DecodingError.valueNotFound(_, let context) where context.codingPath.count == 1 {
            throw missing(context.codingPath[0])
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context)
        {
            // The body parsed as a JSON object before (RequestBody), so this is a member of the
            // wrong type: a fraction or a number past Int64 for a whole number, a number for a
            // string. A validation error, naming the member when the decoder says which.
            let member = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidParameter(
                member.isEmpty
                    ? "1 validation error detected: a member has a value of the wrong type"
                    : "1 validation error detected: Value at '\(member)' failed to satisfy constraint: Member has the wrong type"
            )
        } catch {
            throw LocalPoolError(.serialization, "The request body is not valid JSON.")
        }
    }

    private static func missing(_ key: any CodingKey) -> LocalPoolError {
        .invalidParameter("1 validation error detected: Value at '\(key.stringValue)' failed to satisfy constraint: Member must not be null")
    }

    static func encode<T: Encodable>(_ value: T) throws(LocalPoolError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in
            let key = path.last!.stringValue
            if path.count > 1, documentMembers.contains(path[0].stringValue) { return Key(stringValue: key) }
            return Key(stringValue: key.prefix(1).uppercased() + key.dropFirst())
        }
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw .internalError("encoding")
        }
    }
}

/// Checks shared by the operations' requests.
enum Validate {
    /// `value`, which must not be empty (Cognito's length-1 minimum).
    static func nonEmpty(_ value: String, _ member: String) throws(LocalPoolError) -> String {
        guard !value.isEmpty else {
            throw .invalidParameter(
                "1 validation error detected: Value at '\(member)' failed to satisfy constraint: Member must have length greater than or equal to 1"
            )
        }
        return value
    }

    /// `value`, which must be within `range` when given (Cognito's wording for each bound).
    static func within(_ value: Int?, _ range: ClosedRange<Int>, _ member: String) throws(LocalPoolError) -> Int? {
        guard let value else { return nil }
        let prefix = "1 validation error detected: Value at '\(member)' failed to satisfy constraint: "
        guard value >= range.lowerBound else {
            throw .invalidParameter(prefix + "Member must have value greater than or equal to \(range.lowerBound)")
        }
        guard value <= range.upperBound else {
            throw .invalidParameter(prefix + "Member must have value less than or equal to \(range.upperBound)")
        }
        return value
    }

    /// A list operation's `Limit`: 0 to 60, where 0 or none means 60, as Cognito reads it.
    static func pageSize(_ limit: Int?) throws(LocalPoolError) -> Int {
        let size = try within(limit, 0...60, "limit") ?? 60
        return size == 0 ? 60 : size
    }
}

/// The pages of the list operations whose token is the index of the next page's first entry
/// (terms, auth events, import jobs, identity providers): a token that is not a number starts
/// over, one past the end gives an empty page.
enum IndexPages {
    static func page<Item>(_ all: [Item], token: String?, maximum: Int) -> (items: ArraySlice<Item>, next: String?) {
        let start = token.flatMap { Int($0) }.map { min(max($0, 0), all.count) } ?? 0
        let items = all[start...].prefix(maximum)
        return (items, start + items.count < all.count ? String(start + items.count) : nil)
    }
}
