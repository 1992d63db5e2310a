import Foundation
import Testing

@testable import XEmulator

@Suite("v2 DM lists")
struct DMListTests {
    static let allFields = "dm_event.fields=id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids"

    @Test func pagesThrough1000EventsNewestFirstEachExactlyOnce() async throws {
        let harness = try EmulatorHarness(rateLimits: .off)
        let start = harness.clock.now()
        for index in 0..<1000 {
            try harness.store.postDM(
                from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "m\(index)",
                createdAt: start.addingTimeInterval(Double(index - 1000)))
        }
        try await harness.run { client in
            let token = try await client.bearer().access
            var seen: [String] = []
            var next: String?
            var pages = 0
            repeat {
                let target = "/2/dm_events?max_results=100" + (next.map { "&pagination_token=\($0)" } ?? "")
                let reply = try await client.get(target, auth: .bearer(token))
                #expect(reply.status == 200)
                let data = reply.json["data"] as? [[String: Any]] ?? []
                let meta = reply.json["meta"] as? [String: Any] ?? [:]
                #expect(meta["result_count"] as? Int == data.count)
                if pages > 0 { #expect(meta["previous_token"] is String) }
                seen += data.compactMap { $0["text"] as? String }
                next = meta["next_token"] as? String
                pages += 1
            } while next != nil && pages < 20
            #expect(pages == 10)
            #expect(seen == (0..<1000).reversed().map { "m\($0)" })
        }
    }

    @Test func previousTokenLeadsBackToTheNewerPage() async throws {
        let harness = try EmulatorHarness(rateLimits: .off)
        for index in 0..<5 { try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "m\(index)") }
        try await harness.run { client in
            let first = try await client.get("/2/dm_events?max_results=2")
            let next = try #require((first.json["meta"] as? [String: Any])?["next_token"] as? String)
            #expect(next.count >= 16)
            let second = try await client.get("/2/dm_events?max_results=2&pagination_token=\(next)")
            let previous = try #require((second.json["meta"] as? [String: Any])?["previous_token"] as? String)
            let back = try await client.get("/2/dm_events?max_results=2&pagination_token=\(previous)")
            #expect((back.json["data"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == ["m4", "m3"])
            #expect((back.json["meta"] as? [String: Any])?["previous_token"] == nil)
        }
    }

    @Test func writesOnlyDefaultFieldsUnlessAsked() async throws {
        let harness = try EmulatorHarness()
        try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "Hello")
        try await harness.run { client in
            let plain = try await client.get("/2/dm_events")
            let event = try #require((plain.json["data"] as? [[String: Any]])?.first)
            #expect(Set(event.keys) == ["id", "event_type", "text"])
            #expect(plain.json["includes"] == nil)

            let full = try await client.get("/2/dm_events?\(Self.allFields)&expansions=sender_id&user.fields=id,name,username,created_at")
            let detailed = try #require((full.json["data"] as? [[String: Any]])?.first)
            #expect(Set(detailed.keys) == ["id", "event_type", "text", "created_at", "sender_id", "dm_conversation_id"])
            #expect(detailed["dm_conversation_id"] as? String == "1234-906948460078698496")
            #expect((detailed["created_at"] as? String)?.hasSuffix("Z") == true)
            let users = try #require((full.json["includes"] as? [String: Any])?["users"] as? [[String: Any]])
            #expect(users.count == 1)
            #expect(users[0]["username"] as? String == "janedoe")
            #expect(users[0]["created_at"] is String)
        }
    }

    @Test func expandsAttachmentsToMediaWithMediaFields() async throws {
        let harness = try EmulatorHarness()
        try harness.store.postDM(
            from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "look",
            attachments: [DMAttachment(type: "photo", url: "https://pbs.twimg.com/x.jpg", width: 640, height: 480)])
        try await harness.run { client in
            let reply = try await client.get("/2/dm_events?dm_event.fields=attachments&expansions=attachments.media_keys&media.fields=url,width,height,type")
            let event = try #require((reply.json["data"] as? [[String: Any]])?.first)
            let keys = try #require((event["attachments"] as? [String: Any])?["media_keys"] as? [String])
            #expect(keys.count == 1 && keys[0].hasPrefix("3_"))
            let media = try #require((reply.json["includes"] as? [String: Any])?["media"] as? [[String: Any]])
            #expect(media.first?["media_key"] as? String == keys[0])
            #expect(media.first?["url"] as? String == "https://pbs.twimg.com/x.jpg")
            #expect(media.first?["width"] as? Int == 640)
        }
    }

    @Test func refusesMaxResultsOutside1To100AndUnknownParametersAndFields() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            for value in ["0", "101", "abc", "-5"] {
                let reply = try await client.get("/2/dm_events?max_results=\(value)")
                #expect(reply.status == 400)
                #expect(reply.json["type"] as? String == "https://api.x.com/2/problems/invalid-request")
                #expect(reply.header("content-type") == "application/problem+json")
            }
            #expect(try await client.get("/2/dm_events?max_results=1").status == 200)
            #expect(try await client.get("/2/dm_events?max_results=100").status == 200)
            let unknown = try await client.get("/2/dm_events?since_id=1")
            #expect(unknown.status == 400)
            #expect(unknown.text.contains("The query parameter [since_id] is not one of"))
            #expect(try await client.get("/2/dm_events?dm_event.fields=id,bogus").status == 400)
            #expect(try await client.get("/2/dm_events?expansions=sender").status == 400)
            #expect(try await client.get("/2/dm_events?event_types=MessageCreated").status == 400)
            #expect(try await client.get("/2/dm_events?pagination_token=NOTATOKEN12345678").status == 400)
            #expect(try await client.get("/2/dm_events?max_results=5&max_results=6").status == 400)
        }
    }

    @Test func hidesEventsOlderThan30Days() async throws {
        let harness = try EmulatorHarness()
        let now = harness.clock.now()
        try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "old", createdAt: now.addingTimeInterval(-31 * 86_400))
        try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "recent", createdAt: now.addingTimeInterval(-29 * 86_400))
        try await harness.run { client in
            let reply = try await client.get("/2/dm_events")
            #expect((reply.json["data"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == ["recent"])
            harness.clock.advance(by: 2 * 86_400)
            let later = try await client.get("/2/dm_events")
            #expect(later.json["data"] == nil)
            #expect((later.json["meta"] as? [String: Any])?["result_count"] as? Int == 0)
        }
    }

    @Test func aDMPostedWithAnOlderTimeGetsASmallerIdButIsListedNow() async throws {
        let harness = try EmulatorHarness()
        let now = harness.clock.now()
        let newer = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "newer", createdAt: now)
        let late = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "late", createdAt: now.addingTimeInterval(-60))
        #expect(UInt64(late.id)! < UInt64(newer.id)!)
        try await harness.run { client in
            let reply = try await client.get("/2/dm_events")
            #expect((reply.json["data"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == ["newer", "late"])
        }
    }

    @Test func filtersEventTypesAndExpandsParticipantsOfJoinAndLeave() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addUser(id: "42", name: "Bob", username: "bob")
        let group = try harness.store.createGroup(participants: [EmulatorHarness.accountID, EmulatorHarness.customerID])
        try harness.store.postParticipantsEvent(type: "ParticipantsJoin", conversationID: group, participants: ["42"])
        try harness.store.postMessage(from: "42", conversationID: group, text: "hi all")
        try harness.store.postParticipantsEvent(type: "ParticipantsLeave", conversationID: group, participants: ["42"])
        try await harness.run { client in
            let all = try await client.get("/2/dm_events?dm_event.fields=participant_ids&expansions=participant_ids")
            let types = (all.json["data"] as? [[String: Any]])?.compactMap { $0["event_type"] as? String }
            #expect(types == ["ParticipantsLeave", "MessageCreate", "ParticipantsJoin"])
            let users = (all.json["includes"] as? [String: Any])?["users"] as? [[String: Any]]
            #expect(users?.compactMap { $0["id"] as? String } == ["42"])
            let messages = try await client.get("/2/dm_events?event_types=MessageCreate")
            #expect((messages.json["data"] as? [[String: Any]])?.count == 1)
            let conversation = try await client.get("/2/dm_conversations/\(group)/dm_events?event_types=ParticipantsJoin,ParticipantsLeave")
            #expect((conversation.json["data"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func listsOneConversationWithAParticipant() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addUser(id: "42", name: "Bob", username: "bob")
        try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "from jane")
        try harness.store.postDM(from: "42", to: EmulatorHarness.accountID, text: "from bob")
        try harness.store.postDM(from: EmulatorHarness.accountID, to: "42", text: "to bob")
        try await harness.run { client in
            let reply = try await client.get("/2/dm_conversations/with/42/dm_events?dm_event.fields=sender_id,dm_conversation_id")
            let data = try #require(reply.json["data"] as? [[String: Any]])
            #expect(data.compactMap { $0["text"] as? String } == ["to bob", "from bob"])
            #expect(data.allSatisfy { $0["dm_conversation_id"] as? String == "42-1234" })
            #expect(try await client.get("/2/dm_conversations/with/abc/dm_events").status == 400)
            let byID = try await client.get("/2/dm_conversations/42-1234/dm_events?max_results=1")
            #expect((byID.json["data"] as? [[String: Any]])?.first?["text"] as? String == "to bob")
            #expect((byID.json["meta"] as? [String: Any])?["next_token"] is String)
        }
    }

    @Test func readsOneEventAndReportsAnUnknownOneInErrors() async throws {
        let harness = try EmulatorHarness()
        let posted = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "one")
        try await harness.run { client in
            let reply = try await client.get("/2/dm_events/\(posted.id)?dm_event.fields=sender_id&expansions=sender_id")
            #expect((reply.json["data"] as? [String: Any])?["text"] as? String == "one")
            #expect(((reply.json["includes"] as? [String: Any])?["users"] as? [Any])?.count == 1)
            let missing = try await client.get("/2/dm_events/1")
            #expect(missing.status == 200)
            #expect(((missing.json["errors"] as? [[String: Any]])?.first?["type"] as? String)?.hasSuffix("resource-not-found") == true)
            #expect(try await client.get("/2/dm_events/x1").status == 400)
        }
    }
}
