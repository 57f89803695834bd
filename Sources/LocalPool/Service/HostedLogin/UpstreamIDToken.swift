import Crypto
package import GatehouseCore

/// An upstream provider's ID token, verified as an OpenID Connect relying party verifies it:
/// RS256 by `kid` against the provider's JWKS, `iss` the provider's issuer exactly, `aud` the
/// pool's client id at the provider, not expired, and the `nonce` this sign-in sent.
/// (`package` so the fuzz targets reach it.)
package struct UpstreamIDToken: Sendable {
    /// The verified claims.
    package let claims: [String: JSONValue]
    /// `sub`.
    package let subject: String

    package static func verify(
        _ token: String,
        keys: JSONWebKeySet,
        issuer: String,
        clientID: String,
        nonce: String,
        now: Double
    ) throws(LocalPoolError) -> UpstreamIDToken {
        let refused = LocalPoolError.notAuthorized("The identity provider's ID token was refused.")
        guard token.utf8.count <= 16 * 1024, let jws = try? CompactJWS(token), jws.header["alg"]?.stringValue == "RS256",
            jws.header["crit"] == nil, let kid = jws.header["kid"]?.stringValue, let key = keys.keys[kid],
            key.isValidSignature(jws.signature, for: jws.signingInputDigest),
            let claims = try? JSONParser.parse(jws.payload).objectValue
        else { throw refused }
        return try checkClaims(claims, issuer: issuer, clientID: clientID, nonce: nonce, now: now)
    }

    /// The claim rules, on claims whose signature was checked.
    package static func checkClaims(
        _ claims: [String: JSONValue],
        issuer: String,
        clientID: String,
        nonce: String,
        now: Double
    ) throws(LocalPoolError) -> UpstreamIDToken {
        let refused = LocalPoolError.notAuthorized("The identity provider's ID token was refused.")
        let audiences = claims["aud"]?.stringValue.map { [$0] } ?? claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard claims["iss"]?.stringValue == issuer, audiences.contains(clientID),
            let expiresAt = claims["exp"]?.numberValue, expiresAt > now,
            let sent = claims["nonce"]?.stringValue, ConstantTime.equals(Array(nonce.utf8), Array(sent.utf8)),
            let subject = claims["sub"]?.stringValue, (1...128).contains(subject.count), InputPatterns.isUsername(subject)
        else { throw refused }
        return UpstreamIDToken(claims: claims, subject: subject)
    }

    /// The pool attributes `mapping` takes from the claims: strings as they are, booleans and
    /// numbers as text; anything else, or longer than 2048 characters, left out.
    package func attributes(_ mapping: [String: String]) -> [UserRecord.Attribute] {
        mapping.sorted { $0.key < $1.key }.compactMap { attribute, claim in
            guard attribute != "username", let value = claims[claim] else { return nil }
            let text: String?
            switch value {
            case .string(let string): text = string
            case .bool(let flag): text = flag ? "true" : "false"
            case .number(let number): text = number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            default: text = nil
            }
            guard let text, !text.isEmpty, text.count <= 2048 else { return nil }
            return UserRecord.Attribute(name: attribute, value: text)
        }
    }
}
