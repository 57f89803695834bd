/// The RS256 signing keys of a JWKS document, by `kid`.
public struct JSONWebKeySet: Sendable {
    /// Why a JWKS document could not be used.
    public struct Failure: Error, Equatable, Sendable {
        /// What was wrong, for logs.
        public let reason: String
    }

    /// The usable keys, by key id.
    public let keys: [String: RSAVerificationKey]

    /// Keys by id.
    public init(keys: [String: RSAVerificationKey]) {
        self.keys = keys
    }

    /// Parses a JWKS document, keeping only RSA signing keys usable with RS256.
    ///
    /// Keys with another `kty`, `use` or `alg` are skipped; a document with no usable key,
    /// or two keys sharing a `kid`, is rejected.
    public init(json: some Collection<UInt8>) throws(Failure) {
        guard let document = try? JSONParser.parse(Array(json)).objectValue,
            let entries = document["keys"]?.arrayValue
        else {
            throw Failure(reason: "not a JWKS document")
        }
        var keys: [String: RSAVerificationKey] = [:]
        for entry in entries {
            guard let jwk = entry.objectValue,
                jwk["kty"]?.stringValue == "RSA",
                jwk["use"].map({ $0.stringValue == "sig" }) ?? true,
                jwk["alg"].map({ $0.stringValue == "RS256" }) ?? true,
                let kid = jwk["kid"]?.stringValue, !kid.isEmpty,
                let modulus = jwk["n"]?.stringValue.flatMap({ Base64URL.decode($0) }),
                let exponent = jwk["e"]?.stringValue.flatMap({ Base64URL.decode($0) }),
                let key = try? RSAVerificationKey(keyID: kid, modulus: modulus, exponent: exponent)
            else {
                continue
            }
            guard keys.updateValue(key, forKey: kid) == nil else {
                throw Failure(reason: "duplicate kid")
            }
        }
        guard !keys.isEmpty else { throw Failure(reason: "no usable RS256 key") }
        self.keys = keys
    }
}
