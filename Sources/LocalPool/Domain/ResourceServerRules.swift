/// Cognito's constraints on a resource server's members (the model's lengths and patterns).
enum ResourceServerRules {
    /// At most this many scopes per resource server.
    static let maximumScopes = 100

    /// `server`, when every member meets Cognito's constraints.
    static func checked(_ server: ResourceServerRecord) throws(LocalPoolError) -> ResourceServerRecord {
        try checkIdentifier(server.identifier)
        // Java's `\w` and `\s`, which Cognito's pattern means: ASCII only.
        try check(server.name, "name", pattern: #"[\w\s+=,.@-]+"#) { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_ \t\n\u{0B}\u{0C}\r+=,.@-".unicodeScalars.contains(scalar))
        }
        guard server.scopes.count <= maximumScopes else {
            throw .invalidParameter(prefix("scopes") + "Member must have length less than or equal to \(maximumScopes)")
        }
        var seen = Set<String>()
        for scope in server.scopes {
            try check(scope.scopeName, "scopes.member.scopeName", pattern: #"[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+"#) {
                isPrintableASCII($0) && $0 != "/"
            }
            try check(scope.scopeDescription, "scopes.member.scopeDescription", pattern: nil) { _ in true }
            guard seen.insert(scope.scopeName).inserted else {
                throw .invalidParameter("Scope \(scope.scopeName) is given more than once.")
            }
        }
        return server
    }

    /// An identifier: 1 to 256 printable ASCII characters but `"` and `\`.
    static func checkIdentifier(_ identifier: String) throws(LocalPoolError) {
        try check(identifier, "identifier", pattern: #"[\x21\x23-\x5B\x5D-\x7E]+"#, isPrintableASCII)
    }

    /// Printable ASCII but space, `"` and `\`.
    private static func isPrintableASCII(_ scalar: Unicode.Scalar) -> Bool {
        (0x21...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\"
    }

    private static func check(
        _ value: String,
        _ member: String,
        pattern: String?,
        _ allowed: (Unicode.Scalar) -> Bool
    ) throws(LocalPoolError) {
        let length = value.unicodeScalars.count
        guard length >= 1 else { throw .invalidParameter(prefix(member) + "Member must have length greater than or equal to 1") }
        guard length <= 256 else { throw .invalidParameter(prefix(member) + "Member must have length less than or equal to 256") }
        if let pattern, !value.unicodeScalars.allSatisfy(allowed) {
            // Never echo the value: it may hold anything.
            throw .invalidParameter(prefix(member) + "Member must satisfy regular expression pattern: \(pattern)")
        }
    }

    private static func prefix(_ member: String) -> String {
        "1 validation error detected: Value at '\(member)' failed to satisfy constraint: "
    }
}
