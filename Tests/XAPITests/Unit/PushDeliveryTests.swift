import Foundation
import Testing

@testable import XAPI

@Suite("Reading X's pushes")
struct PushDeliveryTests {
    /// An Account Activity API delivery as X documents it, with an attachment and both users.
    static let accountActivity = #"""
        {"for_user_id": "1234",
         "direct_message_events": [{"type": "message_create", "id": "1866000000000000001", "created_timestamp": "1733220000123",
           "message_create": {"target": {"recipient_id": "1234"}, "sender_id": "5678", "source_app_id": "268278",
             "message_data": {"text": "Bonjour \"support\" 👋", "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
               "attachment": {"type": "media", "media": {"id_str": "1866000000000000009", "type": "photo",
                 "media_url_https": "https://ton.twitter.com/1.1/ton/data/dm/1866000000000000001/1866000000000000009/abc.jpg"}}}}}],
         "users": {"5678": {"id": "5678", "id_str": "5678", "name": "Zoé", "screen_name": "zoe"},
                   "1234": {"id": "1234", "id_str": "1234", "name": "Kiamo Support", "screen_name": "kiamo_support"}}}
        """#

    @Test func anAccountActivityDeliveryGivesTheDMWithItsSenderAndMedia() throws {
        let delivery = try PushDelivery.decode(Data(Self.accountActivity.utf8))
        #expect(delivery.api == .accountActivity)
        #expect(delivery.forUserId == "1234")
        #expect(delivery.otherKinds.isEmpty)
        let event = try #require(delivery.page.events.first)
        #expect(delivery.page.events.count == 1)
        #expect(event.id == "1866000000000000001")
        #expect(event.text == "Bonjour \"support\" 👋")
        #expect(event.senderId == "5678")
        #expect(event.createdAt == Date(timeIntervalSince1970: 1_733_220_000.123))
        #expect(Set(delivery.page.users.map(\.username)) == ["zoe", "kiamo_support"])
        #expect(delivery.page.media.count == 1)
    }

    @Test func otherAccountActivitiesAreNamedAndCarryNoDM() throws {
        let body = #"{"for_user_id": "1234", "tweet_create_events": [{"id_str": "1"}], "favorite_events": [], "users": {}}"#
        let delivery = try PushDelivery.decode(Data(body.utf8))
        #expect(delivery.page.events.isEmpty)
        #expect(delivery.otherKinds == ["favorite_events", "tweet_create_events"])
    }

    @Test func anXActivityDMEventGivesTheV2DM() throws {
        let body = #"""
            {"data": {"event_type": "dm.received", "event_uuid": "7c1f", "filter": {"user_id": "1234"}, "tag": "kiamo",
              "payload": {"id": "1866000000000000002", "event_type": "MessageCreate", "text": "Hello", "sender_id": "5678",
                          "dm_conversation_id": "1234-5678", "created_at": "2024-12-03T10:00:00.000Z"},
              "includes": {"users": [{"id": "5678", "name": "Zoé", "username": "zoe"}]}}}
            """#
        let delivery = try PushDelivery.decode(Data(body.utf8))
        #expect(delivery.api == .activity)
        #expect(delivery.forUserId == "1234")
        #expect(delivery.eventUUID == "7c1f")
        let event = try #require(delivery.page.events.first)
        #expect(event.id == "1866000000000000002")
        #expect(event.conversationId == "1234-5678")
        #expect(delivery.page.users.first?.name == "Zoé")
    }

    @Test func anXActivityEventOfAnotherKindIsNamedNotRead() throws {
        let body = #"{"data": {"event_type": "follow.follow", "filter": {"user_id": "1234"}, "payload": {"source": {"id": "1"}}}}"#
        let delivery = try PushDelivery.decode(Data(body.utf8))
        #expect(delivery.page.events.isEmpty)
        #expect(delivery.otherKinds == ["follow.follow"])
    }

    @Test func oneBadEventIsReportedAndTheOthersRead() throws {
        let body = #"""
            {"for_user_id": "1234", "direct_message_events": [
              {"type": "message_create", "id": "1866000000000000003", "created_timestamp": "1733220000123",
               "message_create": {"target": {"recipient_id": "1234"}, "sender_id": "5678", "message_data": {"text": "ok"}}},
              {"type": "message_create", "id": {"not": "an id"}}]}
            """#
        let delivery = try PushDelivery.decode(Data(body.utf8))
        #expect(delivery.page.events.map(\.id) == ["1866000000000000003"])
        #expect(delivery.page.undecodable.count == 1)
    }

    @Test(arguments: ["", "not json", "[]", #"{"hello": "world"}"#, #"{"data": {"payload": {}}}"#, #"{"for_user_id": {"x": 1}}"#])
    func whatIsNotAPushIsAClearDecodingError(_ body: String) {
        #expect {
            _ = try PushDelivery.decode(Data(body.utf8))
        } throws: { error in
            guard case .decoding(let operation, _, let reason)? = error as? XAPIError else { return false }
            return operation == .receivePush && !reason.isEmpty
        }
    }
}
