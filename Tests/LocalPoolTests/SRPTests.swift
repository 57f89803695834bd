import Foundation
import Testing

@testable import LocalPool

/// A known-answer vector of Cognito's SRP, made by scripts/generate-srp-vector.py with Python's
/// own integers, hashlib and hmac (the client's side of the computation, done independently).
enum SRPVector {
    static let poolID = "us-east-1_Vector0SRP"
    static let username = "alice"
    static let password = "Correct-Horse-9!"
    static let salt = "5e3f1c0a9b8d7f6e5d4c3b2a19087654"
    static let serverSecret = "7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c"
    static let secretBlock =
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    static let timestamp = "Tue Nov 3 09:05:01 UTC 2026"
    static let multiplier = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
    static let verifier =
        "04877feb3613d7ede607d98df5788e423b77d84a7c18836fe6d7797a69f69a8c2e8bb3372da8345f4afa95036cb66722dab17014738c267add4a59697eb8d0869efea6c8af57901fac684eabece2f08926b95c6d1b89487f7e6ccc9f6acef5c8f227b5118bdcc1a87fdf4cb79af76aa2161bccd1f998d6f33ad0cd88ee24357fbf4f83bbb04767ff8e8b747ebe1a2da7c1afd475de130babe057f9a8e466e59133ca93a8fb9408ca3557af6a4506487db1a6657765dc1fce6e39c78d736ce26c07300b2911cadec07cd65b3c462e269d73b9f2f323cb55ce883b56b0d92f8721effa8ae8c3d387f02653bd22fe4738ed1da68d15bbc10b796678fa3c3a17fabd514815852737c18bd3a64f1a03776f50620704e4c10912d0f8224f1297963e8200b48964bfd6e9b9d9aefb161453dec3ce7ad6133c49923bf543ea05d25d9ca57356eb290a378df00d81abd5e23973f5d257a4b5a5b5ccccdd9e83ab89a988cec42f8253ca1c2269869d2e2afce4f22f80acce037fbff647f218e935a85c17e0"
    static let clientPublic =
        "2c2bb9cd10e338f534dc536b450e4d432df21e4f96de8dac86ed558afb1617065f412588839159869a277c5d6fd78a4c2ebd7a0711bcf2f9429a47fb568db4c9ecc5877067905b20f998c97141768a13795dad11f1c40863d47a58c112efe72967f4b1b4eb35fda18be3c360876f1db17202dc39b55c52df9dede166551fda997ac3ce30731a77b8a7934399cf03c3046924b6decb26de21bd8e24cacd9164bd208df93b36edfe37088943f1638c12987c1a0066e958af24008f7dbbb0e5ed2321629c24945cde61de15b4fbe6907b0b6b5038ec8dd91ed6cf6c8198a90e9324debdea3efcc52a14b6bdc019e6e66eebce0b20f64da85b6cb1e711a1f661815b144a57957f9f038f434f15eaf12d656729b041a41b8d2e1e6d5787a8d118f25b18fe7a461e4444f8623ab63a9a53b994dc71a545e474f3c38120a548d2aacde254c0280cab31c011e7616dd4181b375cd9235d8aa4553ad01aa77837c1f88537a97eff87c0ef84e75c252d487a9daa6209fff8f8cd8ef65f822b38d5dadd3d36"
    static let serverPublic =
        "18db7d608776b24643d0d91aa7a4dd295a12b1160bdc0008b83faa6407d9ab0491d6b215f579e732eddc98cdc35a766acaa1e9a042fa683b17d9e19a83be9000667b7f1502a62d5c849389e0705d62b447be81798260934d7c3d5a5f4eac7f81c49e31c7c577a2725bf366bba2c944d104b246db44512fc08ed472a9f65670352ef43ca4f680ca57626710851eedbd1f74407cf7bf319710036b4d0ac0c01c126b995edaa17ac12258f33776cb7cddade16f22e76202568e6cce2613f2702cf239c9ec18c525ae430cfc1c8c5c0868842dabb870d44dd5ab392567da4b0a81cc2a5fd09345e951a2fa33dd8ac5c9e50e892f035cd33f5b8be01fcbac804f57da1d73852cc47a83d027cf5a2ac7b09daffd785063333000e64bdc0d75b787b2a1b40f08cb106c0d744a32d6b9f3ad7098afc742640327e91ecea703197d1e919539ce3621c2805853984dd0a4fb4c948ce69ba4afa99bd823321e2b62bb87b694807b70e6201688cd7636978ce958636ebc833b50132b247f57866c8ca40ee25f"
    static let key = "3fd3909db7402ff3b48df4810248b002"
    static let signature = "NHfNU92HW2eJ22WesgBKiQnuCtvZ1DmjHlKPxn4nGXE="
}

/// The pool's SRP arithmetic and Cognito's SRP details, against independent answers.
struct SRPTests {
    func bytes(_ hex: String) -> [UInt8] { CognitoSRP.bytes(hex: hex)! }

    @Test func theMultiplierIsCognitos() {
        #expect(CognitoSRP.hex(CognitoSRP.field.bytes(CognitoSRP.multiplier)) == SRPVector.multiplier)
    }

    @Test func theVerifierMatchesTheVector() {
        let verifier = CognitoSRP.verifier(
            salt: bytes(SRPVector.salt),
            poolName: CognitoSRP.poolName(SRPVector.poolID),
            userID: SRPVector.username,
            password: SRPVector.password
        )
        #expect(CognitoSRP.hex(verifier) == SRPVector.verifier)
    }

    @Test func theServerDerivesTheVectorsValuesAndSignature() throws {
        let exchange = try #require(
            CognitoSRP.exchange(
                clientPublic: bytes(SRPVector.clientPublic),
                verifier: bytes(SRPVector.verifier),
                secret: bytes(SRPVector.serverSecret)
            )
        )
        #expect(CognitoSRP.hex(exchange.serverPublic) == SRPVector.serverPublic)
        #expect(CognitoSRP.hex(exchange.key) == SRPVector.key)
        let signature = CognitoSRP.signature(
            key: exchange.key,
            poolName: "Vector0SRP",
            userID: SRPVector.username,
            secretBlock: bytes(SRPVector.secretBlock),
            timestamp: SRPVector.timestamp
        )
        #expect(Data(signature).base64EncodedString() == SRPVector.signature)
    }

    @Test func clientValuesThatAreZeroModuloNOrNotBelowItAreRefused() {
        let verifier = bytes(SRPVector.verifier)
        let secret = bytes(SRPVector.serverSecret)
        let prime = CognitoSRP.primeBytes
        for value in [[0], [0, 0, 0], prime, [1] + prime, [0xFF] + [UInt8](repeating: 0xFF, count: 400)] as [[UInt8]] {
            #expect(CognitoSRP.exchange(clientPublic: value, verifier: verifier, secret: secret) == nil)
        }
        // 1 and N - 1 are numbers below N, and are answered.
        var primeMinusOne = prime
        primeMinusOne[prime.count - 1] -= 1
        #expect(CognitoSRP.exchange(clientPublic: [1], verifier: verifier, secret: secret) != nil)
        #expect(CognitoSRP.exchange(clientPublic: primeMinusOne, verifier: verifier, secret: secret) != nil)
    }

    /// Powers and products modulo small primes, against Fermat's little theorem and a plain loop.
    @Test func montgomeryArithmeticAgreesWithPlainArithmetic() {
        // 2^127 - 1 (a Mersenne prime): a^(p-1) = 1 for every a not a multiple of p.
        let mersenne = MontgomeryModulus(bigEndian: [0x7F] + [UInt8](repeating: 0xFF, count: 15))
        let exponent: [UInt8] = [0x7F] + [UInt8](repeating: 0xFF, count: 14) + [0xFE]
        for base: [UInt8] in [[2], [3], [0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x11]] {
            #expect(mersenne.bytes(mersenne.power(mersenne.number(bigEndian: base)!, exponent: exponent)) == [1])
        }
        // One limb: products and powers against UInt64 arithmetic done the slow way.
        let prime: UInt64 = 18_446_744_073_709_551_557  // the largest prime below 2^64
        let field = MontgomeryModulus(bigEndian: (0..<8).map { UInt8(truncatingIfNeeded: prime >> UInt64(56 - 8 * $0)) })
        func plainProduct(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (high, low) = a.multipliedFullWidth(by: b)
            return prime.dividingFullWidth((high, low)).remainder
        }
        var expected: UInt64 = 1
        let base: UInt64 = 0xDEAD_BEEF_CAFE_F00D
        for power in 1...300 {
            expected = plainProduct(expected, base)
            let exponent = (0..<2).map { UInt8(truncatingIfNeeded: power >> (8 - 8 * $0)) }
            #expect(field.power([base], exponent: exponent) == [expected])
        }
        #expect(field.multiply([prime - 1], [prime - 1]) == [1])
        #expect(field.add([prime - 1], [5]) == [4])
    }

    @Test func numbersArePaddedAsCognitosClientsPadThem() {
        #expect(CognitoSRP.padded([]) == [0])
        #expect(CognitoSRP.padded([0, 0]) == [0])
        #expect(CognitoSRP.padded([0, 0, 0x7F, 1]) == [0x7F, 1])
        #expect(CognitoSRP.padded([0x80]) == [0, 0x80])
        #expect(CognitoSRP.padded([0, 0xFF, 0]) == [0, 0xFF, 0])
    }

    @Test func hexAndPoolNames() {
        #expect(CognitoSRP.bytes(hex: "abc") == [0x0A, 0xBC])
        #expect(CognitoSRP.bytes(hex: "00FF") == [0, 0xFF])
        for bad in ["", "0x12", "zz", "12 34", String(repeating: "a", count: 2050)] {
            #expect(CognitoSRP.bytes(hex: bad) == nil)
        }
        #expect(CognitoSRP.poolName("us-east-1_AbC123") == "AbC123")
        #expect(CognitoSRP.poolName("local_Pool_x") == "Pool")
    }

    @Test func timestampsMustHaveCognitosForm() {
        for good in ["Tue Nov 3 09:05:01 UTC 2026", "Sun Jan 31 23:59:59 UTC 2027", "Mon Feb 10 00:00:00 UTC 2025"] {
            #expect(CognitoSRP.isTimestamp(good), "\(good)")
        }
        for bad in [
            "Tue Nov 03 09:05:01 UTC 2026", "Tue Nov 3 9:05:01 UTC 2026", "Tue Nov 3 09:05:01 GMT 2026", "Xyz Nov 3 09:05:01 UTC 2026",
            "Tue Nov 32 09:05:01 UTC 2026", "Tue Nov 3 24:05:01 UTC 2026", "Tue Nov  3 09:05:01 UTC 2026", "", "Tue Nov 3 09:05:01 UTC 26",
            "Tue Nov 3 09:05:01 UTC 2026\u{0}",
        ] {
            #expect(!CognitoSRP.isTimestamp(bad), "\(bad)")
        }
    }
}
