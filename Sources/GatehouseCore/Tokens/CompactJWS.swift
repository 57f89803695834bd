package import Crypto

/// The parts of a JWS in compact serialization, split and decoded but not yet trusted.
/// (`package` so the fuzz targets reach it.)
package struct CompactJWS {
    /// The decoded protected header.
    package let header: [String: JSONValue]
    /// The decoded payload bytes (claims JSON, not yet parsed).
    package let payload: [UInt8]
    /// The signature bytes.
    package let signature: [UInt8]
    /// SHA-256 of the signing input (`header.payload` as ASCII).
    package let signingInputDigest: SHA256.Digest

    /// Splits and decodes `token`; throws `.malformed` for anything but three strict base64url parts.
    package init(_ token: String) throws(TokenError) {
        var token = token
        let parsed = token.withUTF8 { (bytes) -> Result<CompactJWS, TokenError> in
            let raw = UnsafeRawBufferPointer(bytes)
            let dot = UInt8(ascii: ".")
            guard let firstDot = raw.firstOffset(of: dot), let secondDot = raw.firstOffset(of: dot, from: firstDot + 1),
                raw.firstOffset(of: dot, from: secondDot + 1) == nil
            else {
                return .failure(TokenError(.malformed, detail: "not three segments"))
            }
            let headerPart = UnsafeRawBufferPointer(rebasing: raw[..<firstDot])
            let payloadPart = UnsafeRawBufferPointer(rebasing: raw[(firstDot + 1)..<secondDot])
            let signaturePart = UnsafeRawBufferPointer(rebasing: raw[(secondDot + 1)...])
            guard !headerPart.isEmpty, !payloadPart.isEmpty, !signaturePart.isEmpty,
                let headerBytes = Base64URL.decode(bytes: headerPart),
                let payload = Base64URL.decode(bytes: payloadPart),
                let signature = Base64URL.decode(bytes: signaturePart)
            else {
                return .failure(TokenError(.malformed, detail: "bad base64url"))
            }
            guard let header = try? JSONParser.parse(headerBytes).objectValue else {
                return .failure(TokenError(.malformed, detail: "header is not a JSON object"))
            }
            let digest = SHA256.hash(data: UnsafeRawBufferPointer(rebasing: raw[..<secondDot]))
            return .success(
                CompactJWS(header: header, payload: payload, signature: signature, signingInputDigest: digest)
            )
        }
        self = try parsed.get()
    }

    private init(header: [String: JSONValue], payload: [UInt8], signature: [UInt8], signingInputDigest: SHA256.Digest) {
        self.header = header
        self.payload = payload
        self.signature = signature
        self.signingInputDigest = signingInputDigest
    }
}
