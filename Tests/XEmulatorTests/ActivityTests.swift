import CurlHTTP
import Foundation
import TestSupport
import Testing
import XEmulator

@Suite("X Activity API: subscriptions and the stream")
struct ActivityTests {
    private static let received = #"{"event_type":"dm.received","filter":{"user_id":"1234"},"tag":"kiamo"}"#

    @Test func subscriptionsAreCreatedListedAndDeletedAndADuplicateIsRefused() async throws {
        try await PushFixture.run { _, client in
            #expect(try await client.call("GET", "/2/activity/subscriptions").text == #"{"meta":{"result_count":0}}"#)
            let created = try await client.call("POST", "/2/activity/subscriptions", json: Self.received)
            #expect(created.status == 200)
            let subscription = created.data["subscription"] as? [String: Any] ?? [:]
            let id = subscription["subscription_id"] as? String ?? ""
            #expect(!id.isEmpty && subscription["event_type"] as? String == "dm.received" && subscription["tag"] as? String == "kiamo")
            #expect(subscription["filter"] as? [String: String] == ["user_id": PushFixture.accountID])
            let duplicate = try await client.call("POST", "/2/activity/subscriptions", json: Self.received)
            #expect(duplicate.status == 409)
            #expect(duplicate.json["subscription_id"] as? String == id)
            let sent = try await client.call("POST", "/2/activity/subscriptions", json: #"{"event_type":"dm.sent","filter":{"user_id":"1234"}}"#, auth: .user)
            #expect(sent.status == 200)
            let other = try await client.call("POST", "/2/activity/subscriptions", json: #"{"event_type":"post.create","filter":{"user_id":"1234"}}"#)
            #expect(other.status == 400)
            let list = try await client.call("GET", "/2/activity/subscriptions")
            #expect((list.json["data"] as? [[String: Any]])?.count == 2)
            #expect(try await client.call("DELETE", "/2/activity/subscriptions/\(id)").text == #"{"data":{"deleted":true}}"#)
            #expect(try await client.call("DELETE", "/2/activity/subscriptions/\(id)").status == 404)
            #expect((try await client.call("GET", "/2/activity/subscriptions").json["data"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func aSubscriptionWithAWebhookGetsTheSignedEnvelope() async throws {
        try await PushFixture.run { _, client in
            let receiver = try WebhookReceiver()
            let webhook = try await client.registerWebhook(receiver.url)
            let reply = try await client.call(
                "POST", "/2/activity/subscriptions", json: #"{"event_type":"dm.received","filter":{"user_id":"1234"},"webhook_id":"\#(webhook)"}"#)
            #expect(reply.status == 200)
            let eventID = try await client.control.postDM(from: PushFixture.customerID, text: "to the webhook")
            try await eventually("the envelope") { receiver.deliveries.count == 1 }
            let delivery = receiver.deliveries[0]
            #expect(delivery.signature == WebhookReceiver.sign(delivery.body, secret: TestEmulator.Credentials.consumerSecret))
            let data = delivery.json["data"] as? [String: Any] ?? [:]
            #expect(data["event_type"] as? String == "dm.received")
            #expect((data["payload"] as? [String: Any])?["id"] as? String == eventID)
        }
    }

    @Test func theStreamCarriesEnvelopeLinesAndKeepAlives() async throws {
        try await PushFixture.run(PushFixture.configuration(keepAlive: .milliseconds(200))) { emulator, client in
            #expect(try await client.call("POST", "/2/activity/subscriptions", json: Self.received).status == 200)
            let reader = try StreamReader(port: emulator.port, target: "/2/activity/stream", token: client.appToken)
            defer { reader.close() }
            try await eventually("the stream to open") { try await client.control.streamConnections().open == 1 }
            #expect(reader.status == 200)
            let eventID = try await client.control.postDM(from: PushFixture.customerID, text: "Hello stream")
            try await eventually("the envelope line") { reader.envelopes.count == 1 }
            let data = reader.envelopes[0]["data"] as? [String: Any] ?? [:]
            #expect(data["event_type"] as? String == "dm.received")
            #expect(data["tag"] as? String == "kiamo")
            #expect(data["filter"] as? [String: String] == ["user_id": PushFixture.accountID])
            #expect(UUID(uuidString: data["event_uuid"] as? String ?? "") != nil)
            let payload = data["payload"] as? [String: Any] ?? [:]
            #expect(payload["id"] as? String == eventID && payload["event_type"] as? String == "MessageCreate")
            #expect(payload["text"] as? String == "Hello stream" && payload["sender_id"] as? String == PushFixture.customerID)
            #expect(payload["dm_conversation_id"] as? String == "\(PushFixture.accountID)-\(PushFixture.customerID)")
            #expect(payload["created_at"] is String)
            let users = ((data["includes"] as? [String: Any])?["users"] as? [[String: String]]) ?? []
            #expect(Set(users.compactMap { $0["id"] }) == [PushFixture.accountID, PushFixture.customerID])
            #expect(users.first { $0["id"] == PushFixture.customerID } == ["id": PushFixture.customerID, "name": "Jane Doe", "username": "janedoe"])
            try await eventually("keep-alives") { reader.keepAlives >= 2 }
            let counters = try await client.control.streamConnections()
            #expect(counters.linesSent == 1 && counters.keepAlivesSent >= 2)
        }
    }

    @Test func aSecondConnectionIsRefusedWith429AndLeavingFreesTheSlot() async throws {
        try await PushFixture.run { emulator, client in
            let first = try StreamReader(port: emulator.port, target: "/2/activity/stream", token: client.appToken)
            try await eventually("the stream to open") { try await client.control.streamConnections().open == 1 }
            let second = try StreamReader(port: emulator.port, target: "/2/activity/stream", token: client.appToken)
            try await eventually("the refusal") { second.status != nil && second.bodyText.hasSuffix("}") }
            #expect(second.status == 429)
            let problem = (try? JSONSerialization.jsonObject(with: Data(second.bodyText.utf8))) as? [String: Any] ?? [:]
            #expect(problem["title"] as? String == "ConnectionException")
            #expect(problem["detail"] as? String == "This stream is currently at the maximum allowed connection limit.")
            second.close()
            first.close()
            try await eventually("the slot to be freed") { try await client.control.streamConnections().open == 0 }
            let third = try StreamReader(port: emulator.port, target: "/2/activity/stream", token: client.appToken)
            defer { third.close() }
            try await eventually("a new connection") { try await client.control.streamConnections().open == 1 }
            #expect(third.status == 200)
            #expect(try await client.call("GET", "/2/activity/stream", auth: .user).status == 403)
        }
    }

    @Test func backfillSendsTheLastMinutesEventsFirst() async throws {
        try await PushFixture.run { emulator, client in
            #expect(try await client.call("POST", "/2/activity/subscriptions", json: Self.received).status == 200)
            let earlier = try await client.control.postDM(from: PushFixture.customerID, text: "before the connection")
            let plain = try StreamReader(port: emulator.port, target: "/2/activity/stream", token: client.appToken)
            try await eventually("the stream to open") { try await client.control.streamConnections().open == 1 }
            plain.close()
            try await eventually("the slot to be freed") { try await client.control.streamConnections().open == 0 }
            #expect(plain.envelopes.isEmpty)
            let reader = try StreamReader(port: emulator.port, target: "/2/activity/stream?backfill_minutes=2", token: client.appToken)
            defer { reader.close() }
            try await eventually("the backfilled line") { reader.envelopes.count == 1 }
            #expect(((reader.envelopes[0]["data"] as? [String: Any])?["payload"] as? [String: Any])?["id"] as? String == earlier)
            #expect(try await client.call("GET", "/2/activity/stream?backfill_minutes=6").status == 400)
        }
    }

    @Test func dropAndStallFaultsAreSeenByTheClient() async throws {
        try await PushFixture.run { emulator, client in
            #expect(try await client.call("POST", "/2/activity/subscriptions", json: Self.received).status == 200)
            let reader = try StreamReader(port: emulator.port, target: "/2/activity/stream", token: client.appToken)
            try await eventually("the stream to open") { try await client.control.streamConnections().open == 1 }
            let clock = ContinuousClock()
            let stalledAt = clock.now
            try await client.control.stallStream(milliseconds: 800)
            _ = try await client.control.postDM(from: PushFixture.customerID, text: "during the stall")
            try await eventually("the line after the stall") { reader.envelopes.count == 1 }
            #expect(clock.now - stalledAt >= .milliseconds(750))
            #expect(!reader.isClosed)
            #expect(try await client.control.dropStreamConnections() == 1)
            try await eventually("the client to see the connection end") { reader.isClosed }
            #expect(try await client.control.streamConnections().open == 0)
        }
    }

    @Test func stoppingTheEmulatorEndsAnOpenStream() async throws {
        let emulator = try await TestEmulator.start(configuration: PushFixture.configuration())
        let client = try await PushClient.make(emulator)
        defer { client.http.shutdown() }
        let reader = try StreamReader(port: emulator.port, target: "/2/activity/stream", token: client.appToken)
        try await eventually("the stream to open") { try await client.control.streamConnections().open == 1 }
        let clock = ContinuousClock()
        let started = clock.now
        await emulator.stop()
        #expect(clock.now - started < .seconds(10))
        try await eventually("the client to see the stream end") { reader.isClosed }
    }
}
