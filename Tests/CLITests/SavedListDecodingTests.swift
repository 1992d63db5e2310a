import Foundation
import Testing
import XAPI

/// XAPI's `DMEventPage.decode(listResponse:apiVersion:)`, added for `map --file`: a saved answer
/// decodes as a live one does, in both dialects.
@Suite struct SavedListDecodingTests {
    @Test func aSavedV2AnswerKeepsItsUsersMediaAndNextToken() throws {
        let page = try DMEventPage.decode(
            listResponse: Data(
                """
                {"data":[{"id":"1582838593371127812","event_type":"MessageCreate","text":"Look","sender_id":"906948460078698496",
                "dm_conversation_id":"906948460078698496-1234","created_at":"2022-10-19T14:17:15.000Z","attachments":{"media_keys":["3_1"]}}],
                "includes":{"users":[{"id":"906948460078698496","name":"Jane Doe","username":"janedoe"}],
                "media":[{"media_key":"3_1","type":"photo","url":"https://pbs.twimg.com/media/a.jpg"}]},
                "meta":{"result_count":1,"next_token":"NEXT"}}
                """.utf8), apiVersion: .v2)
        #expect(page.events.map(\.id) == ["1582838593371127812"])
        #expect(page.events.first?.mediaKeys == ["3_1"])
        #expect(page.users == [XUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe")])
        #expect(page.media.first?.url == "https://pbs.twimg.com/media/a.jpg")
        #expect(page.nextToken == "NEXT")
        #expect(page.rateLimit == nil)
    }

    @Test func aSavedV1AnswerEndsAtCursorZeroAndKeepsOnlyMessages() throws {
        let page = try DMEventPage.decode(
            listResponse: Data(
                """
                {"events":[{"type":"message_create","id":"1582838593371127812","created_timestamp":"1666189035123",
                "message_create":{"sender_id":"906948460078698496","target":{"recipient_id":"1234"},"message_data":{"text":"Hi"}}},
                {"type":"participants_join","id":"1582838593371127800","created_timestamp":"1666189030000"}],"next_cursor":"0"}
                """.utf8), apiVersion: .v1_1)
        #expect(page.events.map(\.text) == ["Hi"])
        #expect(page.events.first?.conversationId == "1234-906948460078698496")
        #expect(page.nextToken == nil)
    }

    @Test func anAnswerOfTheWrongShapeNamesTheField() throws {
        let page = try DMEventPage.decode(listResponse: Data(#"{"data":[{"id":"x1","text":"a"}]}"#.utf8), apiVersion: .v2)
        #expect(page.undecodable.map(\.field) == ["data[0].id"])
        let error = #expect(throws: XAPIError.self) {
            try DMEventPage.decode(listResponse: Data(#"{"data":{"id":"1"}}"#.utf8), apiVersion: .v2)
        }
        #expect(error.map { "\($0)" }?.contains("data") == true)
    }
}
