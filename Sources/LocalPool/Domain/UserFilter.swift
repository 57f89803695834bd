import Foundation

/// A parsed `ListUsers` filter.
struct UserFilter {
    let attribute: String
    let prefix: Bool
    let value: String

    static let searchable: Set<String> = [
        "username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username",
        "cognito:user_status", "status", "sub",
    ]

    init?(_ text: String?) throws(LocalPoolError) {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        let pattern = #/^\s*([a-z_:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/#
        guard let match = text.wholeMatch(of: pattern) else {
            throw .invalidParameter("Error while parsing filter.")
        }
        attribute = String(match.1)
        guard Self.searchable.contains(attribute) else {
            throw .invalidParameter("Invalid search attribute: \(attribute)")
        }
        prefix = match.2 == "^="
        value = String(match.3).replacingOccurrences(of: #"\""#, with: "\"").replacingOccurrences(of: #"\\"#, with: "\\")
    }

    func matches(_ user: UserRecord) -> Bool {
        let candidate: String?
        var caseInsensitive = false
        switch attribute {
        case "username": candidate = user.username
        case "cognito:user_status":
            candidate = user.status.rawValue
            caseInsensitive = true
        case "status": candidate = user.enabled ? "Enabled" : "Disabled"
        default: candidate = user.attribute(attribute)
        }
        guard var candidate else { return false }
        var value = self.value
        if caseInsensitive {
            candidate = candidate.lowercased()
            value = value.lowercased()
        }
        return prefix ? candidate.hasPrefix(value) : candidate == value
    }
}
