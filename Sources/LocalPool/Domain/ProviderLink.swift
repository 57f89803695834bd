import Foundation
import GatehouseCore

/// A provider's user linked to a native user (AdminLinkProviderForUser): signing in through the
/// provider as `subject` signs in as `username`.
public struct ProviderLinkRecord: Codable, Sendable, Equatable {
    /// The pool.
    public var poolId: String
    /// The identity provider.
    public var providerName: String
    /// The provider's `sub` for the user.
    public var subject: String
    /// The native user it signs in as.
    public var username: String
    /// When it was linked (seconds since 1970).
    public var createdAt: Double
}

/// What linking found.
enum LinkOutcome: Sendable {
    case linked, noUser, taken, limit
}

/// The `identities` attribute: a JSON array of the provider identities a user has, as Cognito
/// keeps it.
enum Identities {
    /// Links a user may have (Cognito's five).
    static let limit = 5

    /// `attributes` with the identity of `subject` at `provider` added (or, `adding` false, removed).
    static func updating(
        _ attributes: [UserRecord.Attribute],
        provider: String,
        subject: String,
        adding: Bool,
        primary: Bool = false,
        now: Double
    ) -> [UserRecord.Attribute] {
        var entries = parse(attributes.first { $0.name == "identities" }?.value)
        entries.removeAll { $0["providerName"]?.stringValue == provider && $0["userId"]?.stringValue == subject }
        if adding {
            entries.append([
                "userId": .string(subject), "providerName": .string(provider), "providerType": .string("OIDC"), "issuer": .null,
                "primary": .string(primary ? "true" : "false"), "dateCreated": .string(String(Int64(now * 1000))),
            ])
        }
        var updated = attributes.filter { $0.name != "identities" }
        if !entries.isEmpty { updated.append(UserRecord.Attribute(name: "identities", value: write(entries))) }
        return updated
    }

    static func parse(_ text: String?) -> [[String: JSONValue]] {
        guard let text, let array = (try? JSONParser.parse(Array(text.utf8)))?.arrayValue else { return [] }
        return array.compactMap(\.objectValue)
    }

    private static func write(_ entries: [[String: JSONValue]]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(entries.map { JSONValue.object($0) })).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}
