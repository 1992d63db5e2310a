import CurlHTTP
import Foundation
import Testing

@testable import XAPI

@Suite("v2 dialect over canned answers")
struct V2ClientTests {
    @Test func listRequestAsksExactlyForDesignsFieldsAndExpansions() async throws {
        let transport = CannedTransport(status: 200, json: Fixtures.v2EmptyPage)
        _ = try await UnitClients.v2OAuth1(transport).listDMEvents(pageToken: "18LAA581J5II7LA00C00ZZZZ", maxResults: 500)
        let request = try #require(transport.requests.first)
        #expect(request.method == .get)
        #expect(request.path == "/2/dm_events")
        #expect(
            request.queryFields == [
                "event_types": "MessageCreate",
                "dm_event.fields": "id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids",
                "expansions": "sender_id,attachments.media_keys",
                "user.fields": "id,name,username",
                "media.fields": "media_key,type,url,preview_image_url,variants",
                "max_results": "100",
                "pagination_token": "18LAA581J5II7LA00C00ZZZZ",
            ])
        #expect(request.url.contains("dm_event.fields=id%2Ctext%2C"))
    }

    @Test func eventsDecodeWithTextIntactIncludesAndNextToken() async throws {
        let transport = CannedTransport(
            status: 200, json: Fixtures.v2EventsPage,
            headers: [
                "x-rate-limit-limit": "300", "x-rate-limit-remaining": "299", "x-rate-limit-reset": "1666190000",
            ])
        let page = try await UnitClients.v2OAuth1(transport).listDMEvents(pageToken: nil, maxResults: 100)
        #expect(page.events.map(\.id) == ["1582838593371127812", "1582838593371127811", "1582838593371127810"])
        #expect(page.events[0].text == "Hello \"agent\" 👋\nsecond line")
        #expect(page.events[0].createdAt == Date(timeIntervalSince1970: 1_666_189_035))
        #expect(page.events[0].senderId == "906948460078698496")
        #expect(page.events[0].conversationId == "906948460078698496-1234")
        #expect(page.events[0].participantIds == ["906948460078698496", "1234"])
        #expect(page.events[1].text == "مرحبا بك")
        #expect(page.events[1].mediaKeys == ["3_1582838590000000000"])
        let bare = page.events[2]
        #expect(bare.text == "" && bare.createdAt == nil && bare.senderId == nil && bare.mediaKeys.isEmpty)
        #expect(
            page.users == [
                XUser(id: "906948460078698496", name: "Jane \"JD\" Doe 🌟", username: "janedoe"),
                XUser(id: "1234", name: "Support", username: "support"),
            ])
        #expect(page.media == [XMedia(mediaKey: "3_1582838590000000000", type: "photo", url: "https://pbs.twimg.com/media/x.jpg")])
        #expect(page.nextToken == "18LAA581J5II7LA00C00ZZZZ")
        #expect(page.rateLimit == RateLimitInfo(limit: 300, remaining: 299, resetAt: Date(timeIntervalSince1970: 1_666_190_000)))
    }

    @Test func lastAndEmptyPagesHaveNoNextToken() async throws {
        let last = try await UnitClients.v2OAuth1(CannedTransport(status: 200, json: Fixtures.v2LastPage)).listDMEvents(pageToken: nil, maxResults: 10)
        #expect(last.events.count == 1 && last.nextToken == nil && last.users.isEmpty)
        let empty = try await UnitClients.v2OAuth1(CannedTransport(status: 200, json: Fixtures.v2EmptyPage)).listDMEvents(pageToken: nil, maxResults: 10)
        #expect(empty.events.isEmpty && empty.nextToken == nil)
    }

    @Test func aWrongTypedEventIsSkippedNamingTheFieldAndTheRestOfThePageKept() async throws {
        let json = Fixtures.v2EventsPage.replacingOccurrences(of: #""created_at": "2022-10-19T14:17:14Z""#, with: #""created_at": 1666189034"#)
        let page = try await UnitClients.v2OAuth1(CannedTransport(status: 200, json: json)).listDMEvents(pageToken: nil, maxResults: 10)
        #expect(page.events.count == 2)
        #expect(page.undecodable.map(\.field) == ["data[1].created_at"])
        #expect(page.undecodable.first?.reason == "expected a string")
        #expect(page.undecodable.first?.description.contains("data[1].created_at") == true)
    }

    @Test func badEventsAreReportedAndBadPagesAreDecodingErrorsNamingTheField() async throws {
        let events: [(json: String, field: String)] = [
            (#"{"data":[{"id":"12","created_at":"yesterday"}]}"#, "data[0].created_at"),
            (#"{"data":[{"id":"not-a-number"}]}"#, "data[0].id"),
            (#"{"data":[{"text":"no id"}]}"#, "data[0].id"),
        ]
        for (json, field) in events {
            let page = try await UnitClients.v2OAuth1(CannedTransport(status: 200, json: json)).listDMEvents(pageToken: nil, maxResults: 10)
            #expect(page.events.isEmpty && page.undecodable.map(\.field) == [field], "for \(json)")
        }
        let pages: [(json: String, field: String)] = [
            (#"{"data":[{"id":"1"}],"includes":{"users":[{"id":"1","name":7}]}}"#, "includes.users[0].name"),
            (#"{"data":[{"id":"1"}],"meta":{"next_token":42}}"#, "meta.next_token"),
            (#"{"data": [ {"id": "1""#, "<body>"),
        ]
        for (json, field) in pages {
            let error = await #expect(throws: XAPIError.self) {
                try await UnitClients.v2OAuth1(CannedTransport(status: 200, json: json)).listDMEvents(pageToken: nil, maxResults: 10)
            }
            guard case .decoding(.listDMEvents, let reported, _) = error else {
                Issue.record("expected a decoding error for \(json), got \(String(describing: error))")
                continue
            }
            #expect(reported == field, "for \(json)")
        }
    }

    @Test func conversationEventsUseTheParticipantPath() async throws {
        let transport = CannedTransport(status: 200, json: Fixtures.v2EventsPage)
        let page = try await UnitClients.v2OAuth1(transport).conversationEvents(with: "906948460078698496", pageToken: nil, maxResults: 50)
        #expect(page.events.count == 3)
        #expect(transport.requests.first?.path == "/2/dm_conversations/with/906948460078698496/dm_events")
        #expect(transport.requests.first?.queryFields["max_results"] == "50")
    }

    @Test func sendPostsJSONBuiltByAnEncoder() async throws {
        let transport = CannedTransport(status: 201, json: Fixtures.v2Sent, headers: ["x-rate-limit-remaining": "199"])
        let text = "Hi \"Jane\",\nthat's 😀 \\ done"
        let sent = try await UnitClients.v2OAuth1(transport).sendDM(to: "906948460078698496", text: text)
        #expect(sent == SentDM(dmEventId: "1582838600000000000", conversationId: "1234-906948460078698496", rateLimit: RateLimitInfo(limit: nil, remaining: 199, resetAt: nil)))
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(request.path == "/2/dm_conversations/with/906948460078698496/messages")
        #expect(request.headers["content-type"] == "application/json")
        let data = try #require(request.body)
        let body = try JSONSerialization.jsonObject(with: data) as? [String: String]
        #expect(body == ["text": text])
    }

    @Test func sendSignsWithoutTheJSONBody() async throws {
        let transport = CannedTransport(status: 201, json: Fixtures.v2Sent)
        _ = try await UnitClients.v2OAuth1(transport).sendDM(to: "42", text: "hello")
        let expected = try OAuth1Signer(credentials: UnitClients.oauth1, clock: { UnitClients.now }, nonce: { "fixed-nonce" })
            .authorizationHeader(method: "POST", url: "https://api.x.test/2/dm_conversations/with/42/messages")
        #expect(transport.requests.first?.headers["authorization"] == expected)
    }

    @Test func invalidArgumentsAreRefusedBeforeAnyRequest() async throws {
        let transport = CannedTransport.unreachable
        let client = try UnitClients.v2OAuth1(transport)
        await #expect(throws: XAPIError.invalidArgument(operation: .sendDM, argument: "participantId", reason: "'@janedoe' is not a numeric X user id (1 to 19 digits, at most 9223372036854775807)")) {
            try await client.sendDM(to: "@janedoe", text: "hi")
        }
        await #expect(throws: XAPIError.self) { try await client.sendDM(to: "42", text: "") }
        await #expect(throws: XAPIError.self) { try await client.sendDM(to: "42", text: String(repeating: "a", count: 10_001)) }
        // X counts code points after NFC: a skin-toned emoji is 2, `e` + combining accent is 1.
        await #expect(throws: XAPIError.self) { try await client.sendDM(to: "42", text: String(repeating: "👍🏽", count: 5_001)) }
        #expect(XArgumentValidation.dmTextLength(String(repeating: "👍🏽", count: 5_000)) == 10_000)
        #expect(XArgumentValidation.dmTextLength("e\u{301}") == 1)
        await #expect(throws: XAPIError.self) { try await client.sendDM(to: "12345678901234567890", text: "hi") }
        // X's bound (XID): a positive signed 64-bit value, whatever its 19 digits say.
        await #expect(throws: XAPIError.self) { try await client.sendDM(to: "9223372036854775808", text: "hi") }
        await #expect(throws: XAPIError.self) { try await client.sendDM(to: "0", text: "hi") }
        await #expect(throws: XAPIError.self) { try await client.users(ids: ["1", "9999999999999999999"]) }
        await #expect(throws: XAPIError.self) { try await client.user(username: "has space") }
        await #expect(throws: XAPIError.self) { try await client.users(ids: []) }
        await #expect(throws: XAPIError.self) { try await client.conversationEvents(with: "1/2", pageToken: nil, maxResults: 1) }
        #expect(transport.requests.isEmpty)
    }

    @Test func userLookUpsUseTheirPathsAndFields() async throws {
        let transport = CannedTransport { request, _ in
            CannedTransport.response(status: 200, json: request.path == "/2/users" ? Fixtures.v2Users : Fixtures.v2User)
        }
        let client = try UnitClients.v2OAuth1(transport)
        let jane = XUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe")
        #expect(try await client.me().value == jane)
        #expect(try await client.user(id: "906948460078698496").value == jane)
        #expect(try await client.user(username: "janedoe").value == jane)
        #expect(try await client.users(ids: ["1", "2", "3"]).value.map(\.id) == ["1", "2"])
        #expect(transport.requests.map(\.path) == ["/2/users/me", "/2/users/906948460078698496", "/2/users/by/username/janedoe", "/2/users"])
        #expect(transport.requests.allSatisfy { $0.queryFields["user.fields"] == "id,name,username" })
        #expect(transport.requests.last?.queryFields["ids"] == "1,2,3")
    }

    @Test func anUnknownUserIsRejectedWithXsProblem() async throws {
        let error = await #expect(throws: XAPIError.self) {
            try await UnitClients.v2OAuth1(CannedTransport(status: 200, json: Fixtures.v2UserNotFound)).user(id: "2244994945")
        }
        guard case .rejected(.userById, 200, let problem, _) = error else {
            Issue.record("expected rejected, got \(String(describing: error))")
            return
        }
        #expect(problem.title == "Not Found Error")
        #expect(problem.type == "https://api.x.com/2/problems/resource-not-found")
        #expect(error?.isRetryable == false)
    }
}
