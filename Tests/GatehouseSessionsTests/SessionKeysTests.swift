import Crypto
import GatehouseCore
import GatehouseSessions
import Testing

struct SessionKeysTests {
    static let first = String(repeating: "A", count: 43)
    static let second = Base64URL.encode([UInt8](repeating: 7, count: 32))

    @Test func sealedBytesOpenWithTheSameKeyAndPurposeOnly() throws {
        let keys = try SessionKeys(parsing: Self.first)
        let sealed = keys.seal(Array("tokens".utf8), purpose: "a")
        #expect(keys.open(sealed, purpose: "a") == Array("tokens".utf8))
        #expect(keys.open(sealed, purpose: "b") == nil)
        #expect(try SessionKeys(parsing: Self.second).open(sealed, purpose: "a") == nil)
        var tampered = sealed
        tampered[20] ^= 1
        #expect(keys.open(tampered, purpose: "a") == nil)
        #expect(keys.open(Array(sealed.prefix(28)), purpose: "a") == nil)
        #expect(!sealed.contains(subsequence: Array("tokens".utf8)))
    }

    @Test func rotationSealsWithTheFirstKeyAndOpensWithAll() throws {
        let old = try SessionKeys(parsing: Self.first)
        let rotated = try SessionKeys(parsing: "\(Self.second), \(Self.first)")
        let before = old.seal(Array("old".utf8), purpose: "p")
        #expect(rotated.open(before, purpose: "p") == Array("old".utf8))
        let after = rotated.seal(Array("new".utf8), purpose: "p")
        #expect(old.open(after, purpose: "p") == nil)
        #expect(try SessionKeys(parsing: Self.second).open(after, purpose: "p") == Array("new".utf8))
    }

    @Test func standardBase64WithPaddingIsAcceptedAndBadKeysAreNot() throws {
        let standard = "+/" + String(repeating: "A", count: 41) + "="
        #expect(throws: Never.self) { try SessionKeys(parsing: standard) }
        #expect(throws: SessionKeysError.self) { try SessionKeys(parsing: "") }
        #expect(throws: SessionKeysError.self) { try SessionKeys(parsing: "c2hvcnQ") }
        #expect(throws: SessionKeysError.self) { try SessionKeys(parsing: String(repeating: "A", count: 44)) }
        #expect(throws: SessionKeysError.self) { try SessionKeys(parsing: "\(Self.first),not base64!") }
        #expect(SessionKeys.generateKeyText() != SessionKeys.generateKeyText())
        #expect(throws: Never.self) { try SessionKeys(parsing: SessionKeys.generateKeyText()) }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
