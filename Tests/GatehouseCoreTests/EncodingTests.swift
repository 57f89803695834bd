import GatehouseCore
import Testing

struct Base64URLTests {
    @Test func roundTripsAllLengths() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 251) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(Base64URL.decode(encoded) == bytes)
        }
    }

    @Test func knownAnswers() {
        // RFC 4648 §10 vectors, unpadded, and a value that differs between the two alphabets.
        #expect(Base64URL.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64URL.encode(Array("fo".utf8)) == "Zm8")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
    }

    @Test(arguments: ["Zm8=", "+/8", "Zm9v YmFy", "Z", "Zm9", "Zm9=", "Zh", "Zm9vYmFy\n"])
    func rejectsNonCanonicalInput(_ text: String) {
        // "Zh" and "Zm9" carry non-zero unused bits (the canonical "fo" is "Zm8"); the rest break
        // the alphabet, the length or the no-padding rule.
        #expect(Base64URL.decode(text) == nil)
        #expect(Base64URL.decode("Zm8") == Array("fo".utf8))
    }
}

struct JSONParserTests {
    func parse(_ text: String) -> JSONValue? {
        try? JSONParser.parse(Array(text.utf8))
    }

    @Test func parsesClaimsShapes() throws {
        let value = try #require(parse(#" {"a":1,"b":[true,false,null],"c":"x\"\u00e9\ud83d\ude00","d":-1.5e2,"e":{}} "#))
        let object = try #require(value.objectValue)
        #expect(object["a"] == .number(1))
        #expect(object["b"] == .array([.bool(true), .bool(false), .null]))
        #expect(object["c"] == .string("x\"é😀"))
        #expect(object["d"] == .number(-150))
        #expect(object["e"] == .object([:]))
        #expect(parse("1800000000")?.numberValue == 1_800_000_000)
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#, #"{"a":1} x"#, #"{"a":1,}"#, #"[1,]"#, #"{'a':1}"#, "\"\u{1}\"", #""\ud800""#,
        #""\x""#, "01", "1.", "-", "+1", "NaN", "tru", #"{"a"}"#, "", "1e999",
        String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(parse(text) == nil)
    }

    @Test func rejectsInvalidUTF8() {
        #expect((try? JSONParser.parse([0x22, 0xC3, 0x28, 0x22])) == nil)
    }
}

struct JSONWriterTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("", #""""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"back\slash"#, #""back\\slash""#),
        ("line\nbreak\r\ttab", #""line\nbreak\r\ttab""#),
        ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
        ("<script>&", #""\u003cscript\u003e\u0026""#),
        ("\"\"", #""\"\"""#),
        ("é ✓ 𝄞 \u{7F}", "\"é ✓ 𝄞 \u{7F}\""),
    ])
    func escapesWhatJSONAndHTMLNeed(input: String, expected: String) {
        var writer = JSONWriter()
        writer.add("k", input)
        #expect(String(decoding: writer.finish(), as: UTF8.self) == #"{"k":"# + expected + "}")
    }

    @Test func membersInOrder() {
        var writer = JSONWriter()
        writer.add("a", "x")
        writer.add("b", nil as String?)
        writer.add("c", 42)
        writer.add("d", true)
        writer.add("e", ["1", "<"])
        writer.add("f", json: Array(#"{"g":1}"#.utf8))
        #expect(String(decoding: writer.finish(), as: UTF8.self) == #"{"a":"x","b":null,"c":42,"d":true,"e":["1","\u003c"],"f":{"g":1}}"#)
    }
}
