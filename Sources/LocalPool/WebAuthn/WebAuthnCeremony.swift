import Crypto
package import GatehouseCore

/// WebAuthn's two ceremonies checked as the relying party must (WebAuthn Level 2, §7.1 and
/// §7.2): a registration (the client data, the authenticator data and the attestation, `none`
/// or `packed` self-attestation) and an assertion (the client data, the authenticator data, the
/// signature with the stored key, and the signature counter against clones).
package enum WebAuthnCeremony {
    /// Why a credential is refused: for the log, and (plainly) for the caller.
    package struct Failure: Error, Equatable {
        /// What kind of refusal: Cognito names some apart.
        package enum Kind: Sendable {
            /// The page is not of the relying party.
            case origin
            /// The authenticator's relying party is another.
            case relyingParty
            /// A key, algorithm or attestation the pool does not take.
            case unsupported
            /// Anything else: malformed, mismatched or forged.
            case invalid
        }
        package let reason: String
        package var kind: Kind = .invalid
    }

    /// A verified registration: what the pool keeps of the new credential.
    package struct Registration: Sendable, Equatable {
        package let credentialID: [UInt8]
        /// The COSE key as the authenticator encoded it.
        package let publicKey: [UInt8]
        package let signCount: UInt32
    }

    /// Checks a `RegistrationResponseJSON` against the `challenge` handed out for relying party
    /// `rpID`.
    package static func verifyRegistration(
        _ credential: JSONValue,
        challenge: [UInt8],
        rpID: String,
        requireUserVerification: Bool
    ) throws(Failure) -> Registration {
        let response = try member(credential, "response")
        let clientData = try bytes(response, "clientDataJSON")
        try checkClientData(clientData, type: "webauthn.create", challenge: challenge, rpID: rpID)
        let attestationBytes = try bytes(response, "attestationObject")
        let attestation: CBOR
        do {
            attestation = try CBOR.decode(attestationBytes)
        } catch {
            throw Failure(reason: "attestationObject is not CBOR (\(error.reason))")
        }
        guard let format = attestation["fmt"]?.textString, let authBytes = attestation["authData"]?.byteString,
            let statement = attestation["attStmt"], case .map(let statementPairs) = statement
        else { throw Failure(reason: "attestationObject lacks fmt, authData or attStmt") }
        let authData = try checkedAuthData(authBytes, rpID: rpID, requireUserVerification: requireUserVerification)
        guard let credentialID = authData.credentialID, let keyCBOR = authData.publicKey, let keyBytes = authData.publicKeyBytes else {
            throw Failure(reason: "authenticator data carries no credential")
        }
        guard let key = COSEKey(keyCBOR) else { throw Failure(reason: "the credential's key is not ES256 or RS256", kind: .unsupported) }
        guard credential.objectValue?["id"]?.stringValue == Base64URL.encode(credentialID) else {
            throw Failure(reason: "id is not the credential's id")
        }
        switch format {
        case "none":
            guard statementPairs.isEmpty else { throw Failure(reason: "a none attestation has an empty statement") }
        case "packed":
            guard statement["x5c"] == nil else {
                throw Failure(reason: "packed attestation with a certificate chain is not supported", kind: .unsupported)
            }
            guard statement["alg"]?.integer == key.algorithm, let signature = statement["sig"]?.byteString,
                key.isValidSignature(signature, for: authBytes + Array(SHA256.hash(data: clientData)))
            else { throw Failure(reason: "the packed self-attestation's signature does not verify") }
        default:
            throw Failure(reason: "attestation format \(format.prefix(32)) is not supported", kind: .unsupported)
        }
        return Registration(credentialID: credentialID, publicKey: keyBytes, signCount: authData.signCount)
    }

    /// Checks an `AuthenticationResponseJSON` against the `challenge` handed out, with the stored
    /// key; the authenticator's new signature counter.
    package static func verifyAssertion(
        _ credential: JSONValue,
        challenge: [UInt8],
        rpID: String,
        requireUserVerification: Bool,
        publicKey: [UInt8],
        storedSignCount: UInt32
    ) throws(Failure) -> UInt32 {
        let response = try member(credential, "response")
        let clientData = try bytes(response, "clientDataJSON")
        try checkClientData(clientData, type: "webauthn.get", challenge: challenge, rpID: rpID)
        let authBytes = try bytes(response, "authenticatorData")
        let authData = try checkedAuthData(authBytes, rpID: rpID, requireUserVerification: requireUserVerification)
        guard let keyCBOR = try? CBOR.decode(publicKey), let key = COSEKey(keyCBOR) else { throw Failure(reason: "the stored key is unreadable") }
        guard key.isValidSignature(try bytes(response, "signature"), for: authBytes + Array(SHA256.hash(data: clientData))) else {
            throw Failure(reason: "the signature does not verify")
        }
        // A counter that does not move forward means two authenticators hold the key.
        if authData.signCount != 0 || storedSignCount != 0, authData.signCount <= storedSignCount {
            throw Failure(reason: "the signature counter went back (\(authData.signCount) after \(storedSignCount)): a cloned authenticator")
        }
        return authData.signCount
    }

    /// Whether a page at `origin` may use credentials of `rpID`: the relying party's host or one
    /// under it, over https (http only on localhost).
    package static func isAllowedOrigin(_ origin: String, rpID: String) -> Bool {
        let scheme: String
        if origin.hasPrefix("https://") {
            scheme = "https"
        } else if origin.hasPrefix("http://") {
            scheme = "http"
        } else {
            return false
        }
        let authority = origin.dropFirst(scheme.count + 3)
        guard !authority.contains("/"), !authority.contains("@") else { return false }
        let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0].lowercased()
        guard host == rpID.lowercased() || host.hasSuffix("." + rpID.lowercased()) else { return false }
        return scheme == "https" || host == "localhost" || host.hasSuffix(".localhost")
    }

    private static func checkClientData(_ data: [UInt8], type: String, challenge: [UInt8], rpID: String) throws(Failure) {
        guard let parsed = try? JSONParser.parse(data), let object = parsed.objectValue else {
            throw Failure(reason: "clientDataJSON is not a JSON object")
        }
        guard object["type"]?.stringValue == type else { throw Failure(reason: "clientDataJSON.type is not \(type)") }
        guard let given = object["challenge"]?.stringValue, ConstantTime.equals(given, Base64URL.encode(challenge)) else {
            throw Failure(reason: "clientDataJSON.challenge is not the challenge handed out")
        }
        guard let origin = object["origin"]?.stringValue, isAllowedOrigin(origin, rpID: rpID) else {
            throw Failure(reason: "clientDataJSON.origin is not of the relying party \(rpID)", kind: .origin)
        }
        guard object["crossOrigin"]?.boolValue != true else { throw Failure(reason: "cross-origin ceremonies are refused") }
    }

    private static func checkedAuthData(_ bytes: [UInt8], rpID: String, requireUserVerification: Bool) throws(Failure) -> AuthenticatorData {
        guard let data = AuthenticatorData(bytes) else { throw Failure(reason: "authenticator data is malformed") }
        guard ConstantTime.equals(data.rpIDHash, Array(SHA256.hash(data: Array(rpID.utf8)))) else {
            throw Failure(reason: "the authenticator's relying party is not \(rpID)", kind: .relyingParty)
        }
        guard data.userPresent else { throw Failure(reason: "the user was not present") }
        guard data.userVerified || !requireUserVerification else { throw Failure(reason: "the user was not verified") }
        return data
    }

    private static func member(_ value: JSONValue, _ name: String) throws(Failure) -> JSONValue {
        guard let member = value.objectValue?[name] else { throw Failure(reason: "\(name) is missing") }
        return member
    }

    private static func bytes(_ value: JSONValue, _ name: String) throws(Failure) -> [UInt8] {
        guard let text = value.objectValue?[name]?.stringValue, let bytes = Base64URL.decode(text) else {
            throw Failure(reason: "\(name) is missing or not base64url")
        }
        return bytes
    }
}
