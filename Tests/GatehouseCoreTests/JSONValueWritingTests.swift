import Testing

@testable import GatehouseCore

/// `JSONValue.serialized`: written text reads back to the same value, strings escaped, numbers
/// whole where they can be.
struct JSONValueWritingTests {
    @Test(arguments: [
        JSONValue.null, .bool(true), .bool(false), .number(0), .number(-0.5), .number(9_007_199_254_740_993), .number(1e300),
        .number(-9.3e18), .number(123.456), .number(1e-7), .number(-0.0), .string(""), .string("quote \" backslash \\ slash / <tag> & amp"),
        .string("controls \u{0} \u{1} \u{1F} \n \r \t"), .string("ünïcödé ✓ 😀"), .array([]), .object([:]),
        .object(["nested": .array([.object(["a": .array([.null, .bool(false)])]), .string("b")]), "n": .number(3)]),
    ])
    func writtenValuesReadBack(value: JSONValue) throws {
        #expect(try JSONParser.parse(value.serialized) == value)
    }

    @Test func wholeNumbersHaveNoFractionAndStringsAreEscaped() {
        #expect(String(decoding: JSONValue.number(3).serialized, as: UTF8.self) == "3")
        #expect(String(decoding: JSONValue.number(-2.5).serialized, as: UTF8.self) == "-2.5")
        #expect(String(decoding: JSONValue.string("a\"<\u{1}").serialized, as: UTF8.self) == #""a\"\u003c\u0001""#)
        #expect(String(decoding: JSONValue.array([.null, .bool(true)]).serialized, as: UTF8.self) == "[null,true]")
    }
}
