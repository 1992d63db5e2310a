import Foundation
import Testing

@testable import XAPI

@Suite("X timestamps")
struct XDateTests {
    @Test func rfc3339VariantsParse() {
        #expect(XDate.parseRFC3339("2022-10-19T14:17:15.000Z") == Date(timeIntervalSince1970: 1_666_189_035))
        #expect(XDate.parseRFC3339("2022-10-19T14:17:15Z") == Date(timeIntervalSince1970: 1_666_189_035))
        #expect(XDate.parseRFC3339("2022-10-19T16:17:15.5+02:00") == Date(timeIntervalSince1970: 1_666_189_035.5))
        #expect(XDate.parseRFC3339("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(XDate.parseRFC3339("2000-02-29T00:00:00Z") == Date(timeIntervalSince1970: 951_782_400))
    }

    @Test func malformedTimestampsAreRefused() {
        for text in ["", "2022-10-19", "2022-13-01T00:00:00Z", "2022-10-19T14:17:15", "2022-10-19T14:17:15.Z", "2022-10-19T14:17:15Zjunk"] {
            #expect(XDate.parseRFC3339(text) == nil, "\(text)")
        }
        #expect(XDate.parseMilliseconds("1666189035123") == Date(timeIntervalSince1970: 1_666_189_035.123))
        #expect(XDate.parseMilliseconds("-5") == nil)
        #expect(XDate.parseMilliseconds("12.5") == nil)
    }
}
