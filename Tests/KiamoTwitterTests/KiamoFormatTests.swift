import Foundation
import Testing

@testable import KiamoTwitter

@Suite struct KiamoFormatTests {
    @Test func kiamoMessageEncodesStablyWithReadableURLs() throws {
        let message = KiamoMessage(
            id: "1582838593371127812", createdAt: 1_666_189_035, senderId: "906948460078698496",
            senderName: "Jane Doe@janedoe", content: "Hello \"there\"\nשלום 👋", accountId: "1234",
            conversationId: "1234-906948460078698496",
            attachments: [KiamoAttachment(type: "photo", url: "https://pbs.twimg.com/media/x.jpg", mediaKey: "3_1")])
        let text = String(decoding: try KiamoJSON.encode(message), as: UTF8.self)
        #expect(
            text.hasPrefix(
                #"{"accountId":"1234","attachments":[{"mediaKey":"3_1","type":"photo","url":"https://pbs.twimg.com/media/x.jpg"}],"content":"Hello \"there\"\nשלום 👋","conversationId":"1234-906948460078698496","createdAt":1666189035,"id":"1582838593371127812","senderId""#
            ))
        #expect(text.contains("https://pbs.twimg.com/media/x.jpg"))
        #expect(try KiamoJSON.decode(KiamoMessage.self, from: Data(text.utf8)) == message)
    }

    @Test func reportsCarryAnISOTimestampAndOmitAbsentFields() throws {
        let report = DeliveryReport(commandId: "c1", status: .sent, dmEventId: "99", attempts: 1, at: Date(timeIntervalSince1970: 1_700_000_000.5))
        let text = String(decoding: try KiamoJSON.encode(report), as: UTF8.self)
        #expect(text.contains(#""at":"2023-11-14T22:13:20.500Z""#))
        #expect(!text.contains("error"))
    }

    @Test func snowflakesCompareAsNumbersAndCarryTheirTime() throws {
        #expect(Snowflake.parse("999")! < Snowflake.parse("1000")!)
        #expect(Snowflake.parse("12a") == nil)
        #expect(Snowflake.parse("-1") == nil)
        #expect(Snowflake.parse("18446744073709551616") == nil)
        let id = try #require(Snowflake.parse("1582838593371127812"))
        #expect(Snowflake.date(of: id).timeIntervalSince1970 == 1_666_213_103.035)
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(abs(Snowflake.date(of: Snowflake.firstId(at: date)).timeIntervalSince(date)) < 0.001)
        #expect(Snowflake.date(of: id).timeIntervalSince(Snowflake.date(of: Snowflake.id(id, movedBackBy: .seconds(120)))) == 120)
    }
}
