import Crypto
import Foundation
import GatehouseCore
import Testing
import _CryptoExtras

@testable import LocalPool

/// The CBOR decoder against RFC 8949's Appendix A examples, and the WebAuthn ceremonies with
/// credentials built here: a `packed` self-attestation (ES256), an RS256 assertion, the
/// counter, user verification and the relying party.
struct WebAuthnTests {
    /// RFC 8949, Appendix A: encoded bytes and the value they hold.
    @Test(arguments: [
        ("00", CBOR.unsigned(0)), ("17", .unsigned(23)), ("1818", .unsigned(24)), ("1903e8", .unsigned(1000)),
        ("1bffffffffffffffff", .unsigned(18_446_744_073_709_551_615)), ("20", .negative(0)), ("3863", .negative(99)),
        ("3bffffffffffffffff", .negative(18_446_744_073_709_551_615)), ("f4", .bool(false)), ("f5", .bool(true)), ("f6", .null),
        ("f93c00", .float(1.0)), ("fa47c35000", .float(100_000.0)), ("fb3ff199999999999a", .float(1.1)), ("40", .bytes([])),
        ("4401020304", .bytes([1, 2, 3, 4])), ("6449455446", .text("IETF")), ("62c3bc", .text("ü")),
        ("83010203", .array([.unsigned(1), .unsigned(2), .unsigned(3)])),
        ("a201020304", .map([.init(key: .unsigned(1), value: .unsigned(2)), .init(key: .unsigned(3), value: .unsigned(4))])),
        ("c11a514b67b0", .tagged(1, .unsigned(1_363_896_240))),
    ])
    func rfc8949Examples(hex: String, value: CBOR) throws {
        #expect(try CBOR.decode(CognitoSRP.bytes(hex: hex) ?? []) == value)
    }

    @Test(arguments: [
        "", "18", "1a0000", "5f", "9f", "7f", "bf", "ff", "62c3", "6161ff", "a1", "a201020102", "1c", "f8", "0000",
        "62ff00", String(repeating: "81", count: 17) + "00",
    ])
    func malformedItemsAreRefused(hex: String) {
        #expect(throws: CBOR.Malformed.self) { try CBOR.decode(CognitoSRP.bytes(hex: hex) ?? []) }
    }

    // A hand-written CBOR encoder for the credentials below.
    func head(_ major: UInt8, _ count: Int) -> [UInt8] {
        count < 24
            ? [major << 5 | UInt8(count)]
            : count < 256 ? [major << 5 | 24, UInt8(count)] : [major << 5 | 25, UInt8(count >> 8), UInt8(count & 0xff)]
    }
    func text(_ value: String) -> [UInt8] { head(3, value.utf8.count) + Array(value.utf8) }
    func bytes(_ value: [UInt8]) -> [UInt8] { head(2, value.count) + value }

    let challenge = Array("a challenge of the pool's own....".utf8)
    let credentialID = Array(repeating: UInt8(7), count: 16)

    func clientData(_ type: String, origin: String = "https://localhost") -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(Base64URL.encode(challenge))","origin":"\#(origin)"}"#.utf8)
    }

    func credential(_ response: [String: [UInt8]], id: [UInt8]? = nil) -> JSONValue {
        .object([
            "id": .string(Base64URL.encode(id ?? credentialID)), "type": .string("public-key"),
            "response": .object(response.mapValues { .string(Base64URL.encode($0)) }),
        ])
    }

    func authData(rpID: String = "localhost", flags: UInt8, count: UInt32, key: [UInt8]? = nil) -> [UInt8] {
        var data = Array(SHA256.hash(data: Array(rpID.utf8))) + [flags] + withUnsafeBytes(of: count.bigEndian, Array.init)
        if let key { data += Array(repeating: 0, count: 16) + [0, UInt8(credentialID.count)] + credentialID + key }
        return data
    }

    func es256Key(_ key: P256.Signing.PrivateKey) -> [UInt8] {
        let raw = Array(key.publicKey.rawRepresentation)
        return [0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21] + bytes(Array(raw[0..<32])) + [0x22] + bytes(Array(raw[32..<64]))
    }

    /// A `packed` self-attested registration signed by `signer` (the credential's own key).
    func packedRegistration(_ key: P256.Signing.PrivateKey, signer: P256.Signing.PrivateKey, rpID: String = "localhost") throws -> JSONValue {
        let data = authData(rpID: rpID, flags: 0x45, count: 1, key: es256Key(key))
        let client = clientData("webauthn.create")
        let signature = try signer.signature(for: data + Array(SHA256.hash(data: client))).derRepresentation
        let statement = head(5, 2) + text("alg") + [0x26] + text("sig") + bytes(Array(signature))
        let object = head(5, 3) + text("fmt") + text("packed") + text("attStmt") + statement + text("authData") + bytes(data)
        return credential(["clientDataJSON": client, "attestationObject": object])
    }

    @Test func aPackedSelfAttestationRegistersAndAForgedOneDoesNot() throws {
        let key = P256.Signing.PrivateKey()
        let registration = try WebAuthnCeremony.verifyRegistration(
            try packedRegistration(key, signer: key),
            challenge: challenge,
            rpID: "localhost",
            requireUserVerification: true
        )
        #expect(registration.credentialID == credentialID && registration.signCount == 1 && registration.publicKey == es256Key(key))
        #expect(throws: WebAuthnCeremony.Failure.self) {
            try WebAuthnCeremony.verifyRegistration(
                try packedRegistration(key, signer: P256.Signing.PrivateKey()),
                challenge: challenge,
                rpID: "localhost",
                requireUserVerification: false
            )
        }
        let other = #expect(throws: WebAuthnCeremony.Failure.self) {
            try WebAuthnCeremony.verifyRegistration(
                try packedRegistration(key, signer: key, rpID: "example.com"),
                challenge: challenge,
                rpID: "localhost",
                requireUserVerification: false
            )
        }
        #expect(other?.kind == .relyingParty)
    }

    @Test func anRS256AssertionVerifiesOnceTheCounterMovesAndNeedsVerificationWhenRequired() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try key.publicKey.getKeyPrimitives()
        let cose =
            head(5, 4) + [0x01, 0x03, 0x03, 0x39, 0x01, 0x00] + [0x20] + bytes(Array(primitives.modulus)) + [0x21]
            + bytes(Array(primitives.publicExponent))
        func assertion(flags: UInt8, count: UInt32, origin: String = "https://localhost") throws -> JSONValue {
            let data = authData(flags: flags, count: count)
            let client = clientData("webauthn.get", origin: origin)
            let signature = try key.signature(for: data + Array(SHA256.hash(data: client)), padding: .insecurePKCS1v1_5)
            return credential(["clientDataJSON": client, "authenticatorData": data, "signature": Array(signature.rawRepresentation)])
        }
        func verify(_ credential: JSONValue, stored: UInt32, requireUV: Bool = false) throws -> UInt32 {
            try WebAuthnCeremony.verifyAssertion(
                credential,
                challenge: challenge,
                rpID: "localhost",
                requireUserVerification: requireUV,
                publicKey: cose,
                storedSignCount: stored
            )
        }
        #expect(try verify(try assertion(flags: 0x05, count: 8), stored: 7, requireUV: true) == 8)
        // A clone: the counter does not move forward.
        #expect(throws: WebAuthnCeremony.Failure.self) { try verify(try assertion(flags: 0x05, count: 7), stored: 7) }
        // User presence only, where verification is required.
        #expect(throws: WebAuthnCeremony.Failure.self) { try verify(try assertion(flags: 0x01, count: 9), stored: 8, requireUV: true) }
        // No user presence at all.
        #expect(throws: WebAuthnCeremony.Failure.self) { try verify(try assertion(flags: 0x04, count: 9), stored: 8) }
        let origin = #expect(throws: WebAuthnCeremony.Failure.self) {
            try verify(try assertion(flags: 0x05, count: 9, origin: "https://localhost.evil.example"), stored: 8)
        }
        #expect(origin?.kind == .origin)
    }

    @Test(arguments: [
        ("https://localhost", true), ("http://localhost:3000", true), ("https://auth.example.com", false), ("http://example.com", false),
        ("https://login.localhost", true), ("https://localhost@evil.example", false), ("https://evillocalhost", false),
        ("https://localhost/path", false), ("localhost", false),
    ])
    func originsOfTheRelyingParty(origin: String, allowed: Bool) {
        #expect(WebAuthnCeremony.isAllowedOrigin(origin, rpID: "localhost") == allowed)
    }
}
