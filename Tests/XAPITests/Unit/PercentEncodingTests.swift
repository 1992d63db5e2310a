import Testing

@testable import XAPI

@Suite("RFC 3986 percent-encoding")
struct PercentEncodingTests {
    @Test func onlyTheUnreservedSetPassesThrough() {
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentEncoding.encode(", +*%/?&=!'()") == "%2C%20%2B%2A%25%2F%3F%26%3D%21%27%28%29")
        #expect(PercentEncoding.encode("é😀") == "%C3%A9%F0%9F%98%80")
    }

    @Test func formComponentsDecodePlusAsSpaceAndRejectBadEscapes() {
        #expect(PercentEncoding.decodeFormComponent("a+b%2Bc%20d") == "a b+c d")
        #expect(PercentEncoding.decodeFormComponent("%C3%A9") == "é")
        #expect(PercentEncoding.decodeFormComponent("%4") == nil)
        #expect(PercentEncoding.decodeFormComponent("%FF") == nil)
    }

    @Test func encodingThenParsingRoundTrips() throws {
        let pairs: [(name: String, value: String)] = [("a b", "1+2=3&4"), ("a b", ""), ("ü", "😀\n\"'")]
        let parsed = try #require(PercentEncoding.parseForm(PercentEncoding.formEncode(pairs)))
        #expect(parsed.map(\.name) == pairs.map(\.name))
        #expect(parsed.map(\.value) == pairs.map(\.value))
    }
}
