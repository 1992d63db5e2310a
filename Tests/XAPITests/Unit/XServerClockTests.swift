import Foundation
import Testing

@testable import XAPI

/// X's clock from the `Date` headers of its answers (what a verification compares with X's `created_at`).
@Suite struct XServerClockTests {
    @Test func readsAnIMFFixdateAndNothingElse() {
        #expect(XServerClock.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(XServerClock.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(XServerClock.parse("Sun, 06 Nov 1994 08:49:37 CET") == nil)
        #expect(XServerClock.parse("Sun, 32 Nov 1994 08:49:37 GMT") == nil)
        #expect(XServerClock.parse("") == nil)
    }

    @Test func xsTimeIsThisHostsPlusTheOffsetTheLatestAnswerShowed() {
        // This host runs 30 s ahead of X.
        let host = Date(timeIntervalSince1970: 784_111_807.2)
        let clock = XServerClock(local: { host })
        #expect(clock.now() == host, "before any answer, X's time is taken to be this host's")
        clock.observe(dateHeader: "Sun, 06 Nov 1994 08:49:37 GMT", sentAt: host.addingTimeInterval(-0.1), receivedAt: host.addingTimeInterval(0.1))
        let offset = clock.offsetSeconds ?? 0
        #expect(abs(offset - (-29.7)) < 0.01)
        #expect(abs(clock.now().timeIntervalSince1970 - 784_111_777.5) < 0.01)
        // A missing or garbled header changes nothing.
        clock.observe(dateHeader: "yesterday", sentAt: host, receivedAt: host)
        clock.observe(dateHeader: nil, sentAt: host, receivedAt: host)
        #expect(clock.offsetSeconds == offset)
    }
}
