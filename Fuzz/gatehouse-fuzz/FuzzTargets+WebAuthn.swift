import Crypto
import GatehouseCore
import LocalPool

extension FuzzTargets {
    /// WebAuthn's parsers through the ceremonies that use them, picked by the first byte modulo
    /// 4: a CBOR item (0), as far as the decoder goes: it must not crash or loop; an attestation
    /// object in a registration whose client data is right (1); an authenticator data in an
    /// assertion with a fixed ES256 key (2); the browser's whole answer as JSON text (3), as the
    /// API's `CREDENTIAL` and the hosted login's `credential` field bring it, read as an
    /// assertion and as a registration. Random bytes never make a registration or an assertion
    /// that verifies.
    static let webAuthn: FuzzTarget = { bytes in
        guard let first = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        switch first % 4 {
        case 0:
            _ = try? CBOR.decode(rest)
            _ = try? CBOR.decodePrefix(rest[...])
        case 1:
            let credential = webAuthnCredential(["clientDataJSON": webAuthnClientData("webauthn.create"), "attestationObject": rest])
            if let registration = try? WebAuthnCeremony.verifyRegistration(
                credential,
                challenge: webAuthnChallenge,
                rpID: "localhost",
                requireUserVerification: false
            ) {
                // Only a `none` or self attestation with a real key gets here; its parts are whole.
                precondition(!registration.credentialID.isEmpty && (try? CBOR.decode(registration.publicKey)) != nil, "half a credential")
            }
        case 3:
            guard let credential = try? JSONParser.parse(rest) else { return }
            refuseAssertion(credential)
            _ = try? WebAuthnCeremony.verifyRegistration(credential, challenge: webAuthnChallenge, rpID: "localhost", requireUserVerification: false)
        default:
            refuseAssertion(
                webAuthnCredential([
                    "clientDataJSON": webAuthnClientData("webauthn.get"), "authenticatorData": rest, "signature": Array(repeating: 0x30, count: 8),
                ])
            )
        }
    }

    /// Reads `credential` as an assertion for the fixed key: made up, it must never verify.
    static func refuseAssertion(_ credential: JSONValue) {
        let verified = try? WebAuthnCeremony.verifyAssertion(
            credential,
            challenge: webAuthnChallenge,
            rpID: "localhost",
            requireUserVerification: false,
            publicKey: webAuthnKey,
            storedSignCount: 0
        )
        precondition(verified == nil, "a made-up assertion verified")
    }

    static let webAuthnChallenge = Array("fuzz-challenge-0123456789abcdef".utf8)

    /// An ES256 COSE key (a P-256 point) as CBOR.
    static let webAuthnKey: [UInt8] = {
        let raw = Array(P256.Signing.PrivateKey().publicKey.rawRepresentation)
        return [0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20] + raw[0..<32] + [0x22, 0x58, 0x20] + raw[32..<64]
    }()

    static func webAuthnClientData(_ type: String) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(Base64URL.encode(webAuthnChallenge))","origin":"http://localhost:3000"}"#.utf8)
    }

    static func webAuthnCredential(_ response: [String: [UInt8]]) -> JSONValue {
        .object([
            "id": .string("AAAA"), "type": .string("public-key"),
            "response": .object(response.mapValues { .string(Base64URL.encode($0)) }),
        ])
    }
}
