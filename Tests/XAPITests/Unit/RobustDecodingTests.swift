import Foundation
import Testing

@testable import XAPI

/// One bad event, or a broken character, must not make a whole page (and so every later poll) fail.
@Suite struct RobustDecodingTests {
    @Test func aV2PageKeepsItsGoodEventsAndReportsTheBadOne() throws {
        let body = Data(
            """
            {"data":[
              {"id":"1582838593371127812","event_type":"MessageCreate","text":"ok","sender_id":"906948460078698496","created_at":"2022-10-19T14:17:15.000Z"},
              {"id":"1582838593371127813","event_type":"MessageCreate","text":42,"sender_id":"906948460078698496"},
              {"id":"not-a-number","event_type":"MessageCreate","text":"x"},
              {"id":"1582838593371127815","event_type":"MessageCreate","text":"also ok","sender_id":"906948460078698496"}],
             "meta":{"result_count":4,"next_token":"NEXT"}}
            """.utf8)
        let page = try XDecoding.decode(V2DMEventsResponse.self, from: body, operation: .listDMEvents).page(rateLimit: nil)
        #expect(page.events.map(\.id) == ["1582838593371127812", "1582838593371127815"])
        #expect(page.nextToken == "NEXT")
        #expect(page.undecodable.map(\.index) == [1, 2])
        #expect(page.undecodable[0].id == "1582838593371127813")
        #expect(page.undecodable[0].field == "data[1].text")
        #expect(page.undecodable[1].id == "not-a-number")
    }

    @Test func aV1PageKeepsItsGoodEventsAndReportsTheBadOne() throws {
        let body = Data(
            """
            {"events":[
              {"type":"message_create","id":"1582838593371127812","created_timestamp":"1666189035123",
               "message_create":{"sender_id":"906948460078698496","target":{"recipient_id":"1234"},"message_data":{"text":"Hi"}}},
              {"type":"message_create","id":"1582838593371127813","created_timestamp":"yesterday",
               "message_create":{"sender_id":"906948460078698496","target":{"recipient_id":"1234"},"message_data":{"text":"Hi"}}}],
             "next_cursor":"0"}
            """.utf8)
        let page = try XDecoding.decode(V1EventsListResponse.self, from: body, operation: .listDMEvents).page(rateLimit: nil)
        #expect(page.events.map(\.id) == ["1582838593371127812"])
        #expect(page.undecodable.first?.id == "1582838593371127813")
    }

    @Test func invalidUTF8AndLoneSurrogatesAreReplacedNotFatal() throws {
        var body = Data(#"{"data":[{"id":"1582838593371127812","event_type":"MessageCreate","text":"cut emoji \ud83d here, "#.utf8)
        body.append(contentsOf: [0xFF, 0xFE])
        body.append(contentsOf: Data(#" and a pair \ud83d\udc4b and text \\ud800","sender_id":"5"}]}"#.utf8))
        let page = try XDecoding.decode(V2DMEventsResponse.self, from: body, operation: .listDMEvents).page(rateLimit: nil)
        #expect(page.events.first?.text == "cut emoji \u{FFFD} here, \u{FFFD}\u{FFFD} and a pair 👋 and text \\ud800")
    }

    @Test func wellFormedAnswersAreNotTouched() {
        #expect(JSONRepair.repaired(Data(#"{"text":"😀 \ud83d\ude00"}"#.utf8)) == nil)
    }
}
