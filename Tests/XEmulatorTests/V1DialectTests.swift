import Foundation
import Testing

@testable import XEmulator

@Suite("v1.1 dialect")
struct V1DialectTests {
    @Test func listsShowsAndSendsInTheV1Shapes() async throws {
        let harness = try EmulatorHarness()
        for index in 0..<25 { try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "m\(index) #tag") }
        try await harness.run { client in
            let first = try await client.get("/1.1/direct_messages/events/list.json")
            #expect(first.status == 200)
            let events = try #require(first.json["events"] as? [[String: Any]])
            #expect(events.count == 20)
            let event = events[0]
            #expect(event["type"] as? String == "message_create")
            #expect(Int64(event["created_timestamp"] as? String ?? "") != nil)
            let create = try #require(event["message_create"] as? [String: Any])
            #expect(create["sender_id"] as? String == EmulatorHarness.customerID)
            #expect((create["target"] as? [String: Any])?["recipient_id"] as? String == EmulatorHarness.accountID)
            let data = try #require(create["message_data"] as? [String: Any])
            #expect(data["text"] as? String == "m24 #tag")
            #expect(((data["entities"] as? [String: Any])?["hashtags"] as? [[String: Any]])?.first?["text"] as? String == "tag")
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await client.get("/1.1/direct_messages/events/list.json?count=50&cursor=\(cursor)")
            #expect((second.json["events"] as? [Any])?.count == 5)
            #expect(second.json["next_cursor"] == nil)

            let id = try #require(event["id"] as? String)
            let shown = try await client.get("/1.1/direct_messages/events/show.json?id=\(id)")
            #expect((shown.json["event"] as? [String: Any])?["id"] as? String == id)
            let missing = try await client.get("/1.1/direct_messages/events/show.json?id=1")
            #expect(missing.status == 404 && missing.text.contains("\"code\":34"))

            let sent = try await client.postJSON(
                "/1.1/direct_messages/events/new.json",
                #"{"event":{"type":"message_create","message_create":{"target":{"recipient_id":"906948460078698496"},"message_data":{"text":"Hello \"you\""}}}}"#)
            #expect(sent.status == 200)
            #expect((sent.json["event"] as? [String: Any])?["type"] as? String == "message_create")
            #expect(harness.store.sent().last?.api == "v1.1")

            let user = try await client.get("/1.1/users/show.json?screen_name=janedoe")
            #expect(user.json["id_str"] as? String == EmulatorHarness.customerID && user.json["screen_name"] as? String == "janedoe")
            #expect(user.json["id"] is Int)
            let nobody = try await client.get("/1.1/users/show.json?user_id=5")
            #expect(nobody.status == 404 && nobody.text.contains("\"code\":50"))
        }
    }

    @Test func refusesBadSendsAndBearerTokensAsV1Does() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addUser(EmulatorUser(id: "77", name: "Closed", username: "closed", acceptsDirectMessages: false))
        try await harness.run { client in
            func send(_ recipient: String, _ text: String) async throws -> HarnessClient.Reply {
                try await client.postJSON(
                    "/1.1/direct_messages/events/new.json",
                    #"{"event":{"type":"message_create","message_create":{"target":{"recipient_id":"\#(recipient)"},"message_data":{"text":"\#(text)"}}}}"#)
            }
            #expect(try await send("77", "hi").text.contains("\"code\":349"))
            #expect(try await send("555", "hi").text.contains("\"code\":108"))
            #expect(try await send("906948460078698496", String(repeating: "x", count: 10_001)).text.contains("\"code\":354"))
            #expect(try await send("abc", "hi").status == 400)
            #expect(try await client.postJSON("/1.1/direct_messages/events/new.json", "{").status == 400)
            let token = try await client.bearer().access
            let bearer = try await client.get("/1.1/direct_messages/events/list.json", auth: .bearer(token))
            #expect(bearer.status == 403 && bearer.text.contains("\"code\":220"))
        }
    }
}
