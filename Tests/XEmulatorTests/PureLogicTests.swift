import Foundation
import Testing

@testable import XEmulator

@Suite("Pure pieces")
struct PureLogicTests {
    @Test func snowflakeIdsFollowCreationTimeFromXsEpoch() {
        let id = Snowflake.id(milliseconds: 1_666_189_035_000, sequence: 5)
        #expect(Snowflake.milliseconds(of: id) == 1_666_189_035_000)
        #expect(id & 0x3FFFFF == 5)
        #expect(Snowflake.id(milliseconds: 1_666_189_035_001, sequence: 0) > id)
        var generator = IDGenerator()
        let a = generator.next(milliseconds: 1_700_000_000_000)
        let b = generator.next(milliseconds: 1_700_000_000_000)
        #expect(b == a + 1)
    }

    @Test func pageTokensRoundTripAndRefuseTampering() throws {
        let token = PageToken(direction: .older, anchor: 2_126_890_039_659_986_944)
        let text = token.encoded
        #expect(text.count == 18 && text.allSatisfy { $0.isUppercase || $0.isNumber })
        #expect(PageToken(text) == token)
        var tampered = Array(text)
        tampered[5] = tampered[5] == "A" ? "B" : "A"
        #expect(PageToken(String(tampered)) == nil)
        #expect(PageToken("short") == nil)
        #expect(PageToken(String(repeating: "Z", count: 18)) == nil)
    }

    @Test func formatsTimesAsXWritesThem() {
        #expect(XTimestamp.iso8601(milliseconds: 1_666_189_035_123) == "2022-10-19T14:17:15.123Z")
        #expect(XTimestamp.iso8601(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(XTimestamp.v1(milliseconds: 1_539_202_764_000) == "Wed Oct 10 20:19:24 +0000 2018")
        #expect(XTimestamp.parse("2022-10-19T14:17:15.123Z") == 1_666_189_035_123)
        #expect(XTimestamp.parse("2022-10-19T14:17:15Z") == 1_666_189_035_000)
        #expect(XTimestamp.parse("yesterday") == nil)
    }

    @Test func escapesJSONStrings() {
        #expect(String(decoding: JSONWriter.encodedString("a\"b\\c\nd\u{1}é"), as: UTF8.self) == #""a\"b\\c\nd\u0001é""#)
    }

    @Test func percentEncodesPerRFC3986() {
        #expect(PercentEncoding.encode("Hello Ladies + Gentlemen, a signed OAuth request!") == "Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21")
        #expect(PercentEncoding.encode("☃~-._") == "%E2%98%83~-._")
        #expect(PercentEncoding.decode("a+b%20c"[...], plusIsSpace: true) == "a b c")
        #expect(PercentEncoding.decode("%zz"[...], plusIsSpace: false) == nil)
    }

    @Test func findsEntitiesWithScalarOffsets() {
        let entities = DMText.entities("👋 #help @jane $AAPL https://x.com/a ok")
        #expect(entities.hashtags.map(\.text) == ["help"])
        #expect(entities.hashtags.first?.start == 2)
        #expect(entities.mentions.map(\.text) == ["jane"])
        #expect(entities.cashtags.map(\.text) == ["AAPL"])
        #expect(entities.urls.map(\.text) == ["https://x.com/a"])
        #expect(DMText.entities("mail me@example.com").mentions.isEmpty)
    }
}
