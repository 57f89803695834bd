import Testing
import _CryptoExtras

@testable import LocalPool

/// The DER pieces of the signing certificate, against values worked out by hand from X.690 and
/// RFC 5280 (the whole certificate is checked by Python's cryptography in the interop tests).
struct SigningCertificateTests {
    @Test(arguments: [
        (Int64(0), 0x17, "700101000000Z"),
        (951_782_400, 0x17, "000229000000Z"),  // 2000-02-29, a leap day
        (2_524_607_999, 0x17, "491231235959Z"),  // the last second of UTCTime
        (2_524_608_000, 0x18, "20500101000000Z"),  // GeneralizedTime from 2050
    ])
    func timesAreUTCTimeBefore2050(_ seconds: Int64, _ tag: UInt8, _ text: String) {
        #expect(DER.time(seconds) == [tag, UInt8(text.utf8.count)] + Array(text.utf8))
    }

    @Test func lengthsIntegersAndIdentifiersAreEncodedAsX690Says() {
        #expect(DER.tlv(0x04, Array(repeating: 1, count: 127)).prefix(2) == [0x04, 0x7F])
        #expect(DER.tlv(0x04, Array(repeating: 1, count: 128)).prefix(3) == [0x04, 0x81, 0x80])
        #expect(DER.tlv(0x04, Array(repeating: 1, count: 256)).prefix(4) == [0x04, 0x82, 0x01, 0x00])
        #expect(DER.integer([0x00, 0x00, 0x7F]) == [0x02, 0x01, 0x7F])
        #expect(DER.integer([0x80]) == [0x02, 0x02, 0x00, 0x80])
        #expect(DER.integer([]) == [0x02, 0x01, 0x00])
        // sha256WithRSAEncryption, as every certificate carries it.
        #expect(DER.oid([1, 2, 840, 113_549, 1, 1, 11]) == [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B])
    }

    @Test func theSameKeyAndPoolGiveTheSameCertificate() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let first = try SigningCertificate.make(poolID: "us-east-1_abc", createdAt: 1_800_000_000, key: key)
        #expect(try SigningCertificate.make(poolID: "us-east-1_abc", createdAt: 1_800_000_000, key: key) == first)
        #expect(try SigningCertificate.make(poolID: "us-east-1_abd", createdAt: 1_800_000_000, key: key) != first)
        #expect(first.first == 0x30)
    }
}
