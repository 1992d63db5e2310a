import CurlHTTP
import Foundation
import Testing

@testable import XAPI

@Suite("v1.1 dialect over canned answers")
struct V1ClientTests {
    @Test func listUsesCountAndCursorAndMapsMessageEvents() async throws {
        let transport = CannedTransport(status: 200, json: Fixtures.v1EventsList, headers: ["x-rate-limit-limit": "15", "x-rate-limit-remaining": "14"])
        let page = try await UnitClients.v1OAuth1(transport).listDMEvents(pageToken: "cursor-1", maxResults: 100)
        let request = try #require(transport.requests.first)
        #expect(request.path == "/1.1/direct_messages/events/list.json")
        #expect(request.queryFields == ["count": "50", "cursor": "cursor-1"])

        #expect(page.events.map(\.id) == ["1582838593371127812", "1582838593371127811"])
        let first = page.events[0]
        #expect(first.text == "Bonjour \"l'équipe\" 🇫🇷\nligne 2")
        #expect(first.createdAt == Date(timeIntervalSince1970: 1_666_189_035.123))
        #expect(first.senderId == "906948460078698496")
        #expect(first.participantIds == ["906948460078698496", "1234"])
        #expect(first.conversationId == "1234-906948460078698496")
        #expect(first.eventType == .messageCreate)
        #expect(page.events[1].mediaKeys == ["1582838590000000000"])
        #expect(page.media == [XMedia(mediaKey: "1582838590000000000", type: "photo", url: "https://ton.twitter.com/x.jpg")])
        #expect(page.users.isEmpty)
        #expect(page.nextToken == "MTU4MjgzODU5MzM3MTEyNzgwMA")
        #expect(page.rateLimit?.remaining == 14)
    }

    @Test func firstPageHasNoCursorAndLastPageNoNextToken() async throws {
        let transport = CannedTransport(status: 200, json: #"{"events":[]}"#)
        let page = try await UnitClients.v1OAuth1(transport).listDMEvents(pageToken: nil, maxResults: 20)
        #expect(transport.requests.first?.queryFields == ["count": "20"])
        #expect(page.events.isEmpty && page.nextToken == nil)
    }

    @Test func anEventWithABadTimestampIsSkippedNamingTheField() async throws {
        let json = Fixtures.v1EventsList.replacingOccurrences(of: "\"1666189034000\"", with: "\"yesterday\"")
        let page = try await UnitClients.v1OAuth1(CannedTransport(status: 200, json: json)).listDMEvents(pageToken: nil, maxResults: 50)
        #expect(page.events.count == 1)
        #expect(page.undecodable.map(\.field) == ["events[1].created_timestamp"])
        #expect(page.undecodable.first?.id == "1582838593371127811")
    }

    @Test func conversationEventsKeepOnlyThatParticipant() async throws {
        let json = Fixtures.v1EventsList.replacingOccurrences(of: #""target": {"recipient_id": "906948460078698496"}"#, with: #""target": {"recipient_id": "777"}"#)
        let page = try await UnitClients.v1OAuth1(CannedTransport(status: 200, json: json)).conversationEvents(with: "906948460078698496", pageToken: nil, maxResults: 50)
        #expect(page.events.map(\.id) == ["1582838593371127812"])
        #expect(page.media.isEmpty)
        #expect(page.nextToken == "MTU4MjgzODU5MzM3MTEyNzgwMA")
    }

    @Test func sendPostsTheEventAsEncodedJSON() async throws {
        let transport = CannedTransport(status: 200, json: Fixtures.v1NewEvent)
        let text = "Hi \"Jane\"\n😀"
        let sent = try await UnitClients.v1OAuth1(transport).sendDM(to: "906948460078698496", text: text)
        #expect(sent.dmEventId == "1582838600000000000")
        #expect(sent.conversationId == "1234-906948460078698496")
        let request = try #require(transport.requests.first)
        #expect(request.path == "/1.1/direct_messages/events/new.json")
        let data = try #require(request.body)
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let event = try #require(body["event"] as? [String: Any])
        #expect(event["type"] as? String == "message_create")
        let message = try #require(event["message_create"] as? [String: Any])
        #expect((message["target"] as? [String: String]) == ["recipient_id": "906948460078698496"])
        #expect((message["message_data"] as? [String: String]) == ["text": text])
    }

    @Test func meWithoutAnIdInTheTokenAsksVerifyCredentials() async throws {
        let transport = CannedTransport(status: 200, json: Fixtures.v1User)
        var credentials = UnitClients.oauth1
        credentials.oauthToken = "opaque-token"
        let me = try await UnitClients.client(.v1_1, .oauth1(credentials), transport).me()
        #expect(me.value.username == "janedoe")
        #expect(transport.requests.map(\.path) == ["/1.1/account/verify_credentials.json"])
    }

    @Test func usersComeFromUsersShow() async throws {
        let transport = CannedTransport { request, _ in
            request.queryFields["user_id"] == "3"
                ? CannedTransport.response(status: 404, json: Fixtures.v1NotFound)
                : CannedTransport.response(status: 200, json: Fixtures.v1User)
        }
        let client = try UnitClients.v1OAuth1(transport)
        let jane = XUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe")
        #expect(try await client.me().value == jane)
        #expect(try await client.user(id: "906948460078698496").value == jane)
        #expect(try await client.user(username: "janedoe").value == jane)
        #expect(try await client.users(ids: ["1", "3"]).value == [jane])
        #expect(transport.requests.map(\.path) == Array(repeating: "/1.1/users/show.json", count: 5))
        #expect(transport.requests[0].queryFields == ["user_id": "1234"])
        #expect(transport.requests[2].queryFields["screen_name"] == "janedoe")
    }

    @Test func oauth2CredentialsAreRefusedForV1() throws {
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token())
        #expect(throws: XAPIError.self) {
            try UnitClients.client(.v1_1, .oauth2(OAuth2Credentials(clientId: "c", tokenStore: store)), .unreachable)
        }
    }
}
