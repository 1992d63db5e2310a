import Foundation
import Testing

@testable import XEmulator

@Suite("Control API")
struct ControlAPITests {
    @Test func createsUsersAndDMsAndListsWhatTheAccountSent() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let health = try await client.get("/_emulator/health", auth: .none)
            #expect(health.json["status"] as? String == "ok")
            let user = try await client.postJSON("/_emulator/users", #"{"name":"Bob","username":"bob"}"#, auth: .none)
            #expect(user.status == 201)
            let bobID = try #require(user.json["id"] as? String)
            let taken = try await client.postJSON("/_emulator/users", #"{"name":"Other","username":"BOB"}"#, auth: .none)
            #expect(taken.status == 400 && (taken.json["error"] as? String)?.contains("already belongs") == true)

            let inbound = try await client.postJSON("/_emulator/dms", #"{"from":"\#(bobID)","text":"hello","createdAt":"2020-01-01T00:00:00Z"}"#, auth: .none)
            #expect(inbound.status == 201)
            #expect(inbound.json["conversationId"] as? String == "1234-\(bobID)")
            let numeric = try await client.postJSON("/_emulator/dms", #"{"from":1234,"to":\#(bobID),"text":"outbound, not through the API"}"#, auth: .none)
            #expect(numeric.status == 201)
            #expect(try await client.postJSON("/_emulator/dms", #"{"from":"999","text":"x"}"#, auth: .none).status == 400)

            #expect(try await client.postJSON("/2/dm_conversations/with/\(bobID)/messages", #"{"text":"reply 1"}"#).status == 201)
            #expect(
                try await client.postJSON(
                    "/1.1/direct_messages/events/new.json",
                    #"{"event":{"type":"message_create","message_create":{"target":{"recipient_id":"\#(bobID)"},"message_data":{"text":"reply 2"}}}}"#
                ).status == 200)
            let sent = try await client.get("/_emulator/sent?account=1234", auth: .none)
            let list = try #require(sent.json["sent"] as? [[String: Any]])
            #expect(list.compactMap { $0["text"] as? String } == ["reply 1", "reply 2"])
            #expect(list.compactMap { $0["api"] as? String } == ["v2", "v1.1"])
            #expect(list.allSatisfy { $0["recipientID"] as? String == bobID && $0["dmEventID"] is String && $0["createdAt"] is String })
        }
    }

    // How fast a bulk is created is the emulator benchmark's business, not a test's.
    @Test func bulkCreates20000DMsFromTheGivenSenders() async throws {
        let harness = try EmulatorHarness(rateLimits: .off)
        try await harness.run { client in
            let reply = try await client.postJSON("/_emulator/dms/bulk", #"{"count":20000,"senders":50,"to":"1234"}"#, auth: .none)
            #expect(reply.status == 201)
            #expect(reply.json["created"] as? Int == 20000)
            #expect((reply.json["senders"] as? [String])?.count == 50)
            let page = try await client.get("/2/dm_events?max_results=100&expansions=sender_id")
            #expect((page.json["data"] as? [Any])?.count == 100)
            #expect(((page.json["includes"] as? [String: Any])?["users"] as? [Any])?.count == 50)
            // A second bulk reuses the generated customers.
            #expect(try await client.postJSON("/_emulator/dms/bulk", #"{"count":10,"senders":50}"#, auth: .none).status == 201)
            #expect(harness.store.users.count == 52)
        }
    }

    @Test func statsCountRoutesByStatusAndFamily() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            _ = try await client.get("/2/dm_events")
            _ = try await client.get("/2/dm_events", auth: .none)
            _ = try await client.get("/2/nothing-here")
            let stats = try await client.get("/_emulator/stats", auth: .none)
            let requests = try #require(stats.json["requests"] as? [String: [String: Int]])
            #expect(requests["GET /2/dm_events"] == ["200": 1, "401": 1])
            #expect(requests["unmatched"] == ["404": 1])
            #expect((stats.json["families"] as? [String: [String: Int]])?["dm-read"] == ["200": 1, "401": 1])
            #expect(requests["GET /_emulator/stats"] == nil)
        }
    }

    @Test func faultsAreQueuedListedAndCleared() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let queued = try await client.postJSON("/_emulator/faults", #"{"endpoint":"GET /2/dm_events","kind":"status","status":500,"count":2}"#, auth: .none)
            #expect(queued.status == 201)
            #expect(try await client.postJSON("/_emulator/faults", #"{"kind":"explode","count":1}"#, auth: .none).status == 400)
            #expect(try await client.postJSON("/_emulator/faults", #"{"kind":"status","count":1}"#, auth: .none).status == 400)
            #expect((try await client.get("/_emulator/faults", auth: .none).json["faults"] as? [Any])?.count == 1)
            #expect(try await client.get("/2/dm_events").status == 500)
            #expect(try await client.send("DELETE", "/_emulator/faults", auth: .none).status == 200)
            #expect(try await client.get("/2/dm_events").status == 200)
        }
    }

    @Test func resetClearsStateButKeepsUsersAndIssuedTokensUnlessAsked() async throws {
        var policy = RateLimitPolicy.x
        policy.windows[.dmRead] = [RateLimitPolicy.Window(limit: 1, seconds: 900)]
        let harness = try EmulatorHarness(rateLimits: policy)
        try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "before")
        try await harness.run { client in
            let token = try await client.bearer().access
            #expect(try await client.get("/2/dm_events", auth: .bearer(token)).status == 200)
            #expect(try await client.get("/2/dm_events", auth: .bearer(token)).status == 429)
            try harness.store.addFault(EmulatorFault(kind: .drop, count: 5))
            #expect(try await client.postJSON("/_emulator/reset", "", auth: .none).status == 200)
            let after = try await client.get("/2/dm_events", auth: .bearer(token))
            #expect(after.status == 200)
            #expect(after.json["data"] == nil)
            #expect(harness.store.faults().isEmpty && harness.store.sent().isEmpty)
            #expect(harness.store.user(id: EmulatorHarness.customerID) != nil)
            #expect(harness.store.stats().total("GET /2/dm_events") == 1)

            #expect(try await client.postJSON("/_emulator/reset", #"{"users":true,"tokens":true}"#, auth: .none).status == 200)
            #expect(harness.store.user(id: EmulatorHarness.customerID) == nil)
            #expect(harness.store.user(id: EmulatorHarness.accountID) != nil)
            #expect(try await client.get("/2/users/me", auth: .bearer(token)).status == 401)
            _ = try await client.bearer() // the configured refresh token works again
        }
    }

    @Test func loadsASeedWithOneToOneAndGroupConversations() throws {
        let seed = """
            {"users": [{"id": "906948460078698497", "name": "Bob", "username": "bob"}],
             "conversations": [
               {"with": "906948460078698496", "messages": [
                  {"text": "Hello", "minutesAgo": 30},
                  {"from": "account", "text": "Hi Jane", "minutesAgo": 20},
                  {"text": "photo", "attachments": [{"type": "photo"}], "minutesAgo": 10}]},
               {"participants": ["906948460078698496", "906948460078698497"], "messages": [
                  {"type": "ParticipantsJoin", "participants": ["906948460078698497"], "minutesAgo": 5},
                  {"from": "906948460078698497", "text": "Hi all", "minutesAgo": 4}]}]}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
        try Data(seed.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let harness = try EmulatorHarness()
        try harness.store.load(seed: try EmulatorSeed.load(contentsOf: file))
        let events = harness.store.withState { $0.events.timeline(of: 1234)?.events ?? [] }
        #expect(events.map(\.text) == ["Hello", "Hi Jane", "photo", "", "Hi all"])
        #expect(events[1].senderID == 1234 && events[1].recipientID == 906_948_460_078_698_496)
        #expect(events[3].kind == .participantsJoin)
        #expect(throws: EmulatorStoreError.self) { try EmulatorSeed.load(contentsOf: URL(fileURLWithPath: "/nonexistent/seed.json")) }
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
        try Data(#"{"users":[{"name":"x"}]}"#.utf8).write(to: broken)
        defer { try? FileManager.default.removeItem(at: broken) }
        #expect(throws: EmulatorStoreError.self) { try EmulatorSeed.load(contentsOf: broken) }
    }
}
