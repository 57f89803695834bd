import Crypto
import GatehouseCore
import LocalPool

extension Bench {
    /// `gatehouse-bench passkey [count]`: the local pool's check of one passkey assertion
    /// (`WebAuthnCeremony.verifyAssertion`: the client data parsed and checked, the authenticator
    /// data read, the ES256 signature verified with the stored COSE key, the counter compared),
    /// one after another on one task, each assertion fresh; prints the median µs, next to one raw
    /// P-256 signature verification measured in the same run.
    static func passkey(count: Int) throws {
        let key = P256.Signing.PrivateKey()
        let raw = Array(key.publicKey.rawRepresentation)
        let cose: [UInt8] = [0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20] + raw[0..<32] + [0x22, 0x58, 0x20] + raw[32..<64]
        let rpHash = Array(SHA256.hash(data: Array("localhost".utf8)))
        var assertions: [(JSONValue, [UInt8])] = []
        for index in 0..<count {
            let challenge = Array("challenge-\(index)-0123456789abcdef".utf8)
            let client = Array(#"{"type":"webauthn.get","challenge":"\#(Base64URL.encode(challenge))","origin":"http://localhost:3000"}"#.utf8)
            let data = rpHash + [0x05] + withUnsafeBytes(of: UInt32(index + 1).bigEndian, Array.init)
            let signature = try key.signature(for: data + Array(SHA256.hash(data: client)))
            let credential: JSONValue = .object([
                "id": .string("AAAA"), "type": .string("public-key"),
                "response": .object([
                    "clientDataJSON": .string(Base64URL.encode(client)), "authenticatorData": .string(Base64URL.encode(data)),
                    "signature": .string(Base64URL.encode(Array(signature.derRepresentation))),
                ]),
            ])
            assertions.append((credential, challenge))
        }
        var times: [Double] = []
        for (index, (credential, challenge)) in assertions.enumerated() {
            let start = seconds()
            let counter = try WebAuthnCeremony.verifyAssertion(
                credential,
                challenge: challenge,
                rpID: "localhost",
                requireUserVerification: true,
                publicKey: cose,
                storedSignCount: UInt32(index)
            )
            times.append((seconds() - start) * 1_000_000)
            precondition(counter == UInt32(index + 1))
        }
        let digest = SHA256.hash(data: Array("message".utf8))
        let signature = try key.signature(for: digest)
        var raws: [Double] = []
        for _ in 0..<count {
            let start = seconds()
            precondition(key.publicKey.isValidSignature(signature, for: digest))
            raws.append((seconds() - start) * 1_000_000)
        }
        times.sort()
        raws.sort()
        print("passkey assertion verify: median \(Int(times[times.count / 2].rounded())) µs over \(count)")
        print("reference, one raw P-256 verify (swift-crypto): median \(Int(raws[raws.count / 2].rounded())) µs")
    }
}
