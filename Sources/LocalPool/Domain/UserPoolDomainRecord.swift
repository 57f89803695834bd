/// A user pool domain: the prefix of Cognito's `PREFIX.auth.REGION.amazoncognito.com`, or a
/// custom domain with its certificate. Each name belongs to one pool.
public struct UserPoolDomainRecord: Codable, Sendable, Equatable {
    /// `Domain`: the prefix, or the custom domain's full name.
    public var domain: String
    /// The pool it belongs to.
    public var poolId: String
    /// `CustomDomainConfig.CertificateArn` (nil: a prefix domain).
    public var certificateArn: String?
    /// `ManagedLoginVersion`: 1, the classic hosted UI, or 2, managed login.
    public var managedLoginVersion: Int
    /// When it was created (seconds since 1970).
    public var createdAt: Double

    /// Whether it is a custom domain (with a certificate) rather than a prefix.
    public var isCustom: Bool { certificateArn != nil }

    /// The CloudFront distribution Cognito would put in front of it: made up, the same for the
    /// same name every time.
    public var cloudFrontDomain: String {
        let digest = domain.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var value = digest
        var name = "d"
        for _ in 0..<13 {
            name.append(alphabet[Int(value % 36)])
            value /= 36
        }
        return name + ".cloudfront.net"
    }
}

/// Cognito's rules on domain names: a prefix is one label of lowercase letters, digits and
/// hyphens (no `aws`, `amazon` or `cognito` in it); a custom domain is several such labels.
enum DomainRules {
    static func check(_ domain: String, custom: Bool) throws(LocalPoolError) {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.utf8.count <= (custom ? 253 : 63), labels.allSatisfy(isLabel), custom ? labels.count >= 2 : labels.count == 1 else {
            throw .invalidParameter(
                custom
                    ? "The custom domain \(domain.prefix(253)) is not a valid domain name."
                    : "1 validation error detected: Value at 'domain' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"
            )
        }
        if !custom, let reserved = ["aws", "amazon", "cognito"].first(where: { domain.contains($0) }) {
            throw .invalidParameter("Domain cannot contain reserved word: \(reserved)")
        }
    }

    private static func isLabel(_ label: Substring) -> Bool {
        let scalars = Array(label.unicodeScalars)
        guard (1...63).contains(scalars.count), scalars.first != "-", scalars.last != "-" else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
