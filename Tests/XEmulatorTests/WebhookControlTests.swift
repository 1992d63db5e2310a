import Foundation
import TestSupport
import Testing
import XEmulator

@Suite("Webhook delivery controls")
struct WebhookControlTests {
    @Test func pausedDeliveriesWaitForTheResumeAndTheAccountsOwnDMsAreDeliveredToo() async throws {
        try await PushFixture.run { _, client in
            let receiver = try WebhookReceiver()
            let id = try await client.registerWebhook(receiver.url)
            try await client.subscribeAccount(webhook: id)
            try await client.control.pauseWebhookDeliveries()
            let sent = try await client.call(
                "POST", "/2/dm_conversations/with/\(PushFixture.customerID)/messages", json: #"{"text":"from the account"}"#, auth: .user)
            #expect(sent.status == 201)
            let eventID = sent.data["dm_event_id"] as? String
            #expect(receiver.deliveries.isEmpty)
            try await client.control.resumeWebhookDeliveries()
            try await eventually("the held delivery") { receiver.deliveries.count == 1 }
            let event = (receiver.deliveries[0].json["direct_message_events"] as? [[String: Any]])?.first ?? [:]
            #expect(event["id"] as? String == eventID)
            #expect((event["message_create"] as? [String: Any])?["sender_id"] as? String == PushFixture.accountID)
            #expect(receiver.deliveries[0].json["for_user_id"] as? String == PushFixture.accountID)
        }
    }

    @Test func theControlAPIRunsThePeriodicCRCNow() async throws {
        try await PushFixture.run { _, client in
            let receiver = try WebhookReceiver()
            _ = try await client.registerWebhook(receiver.url)
            receiver.answerCRC(with: "wrong")
            try await client.control.runWebhookCRC()
            #expect(receiver.crcCount == 2)
            #expect((try await client.call("GET", "/2/webhooks").json["data"] as? [[String: Any]])?.first?["valid"] as? Bool == false)
        }
    }

    @Test func aStatusFaultOnTheStreamRouteRefusesTheConnection() async throws {
        try await PushFixture.run { emulator, client in
            try emulator.fault(EmulatorFault(endpoint: "GET /2/activity/stream", kind: .status, status: 503, count: 1))
            let reader = try StreamReader(port: emulator.port, target: "/2/activity/stream", token: client.appToken)
            defer { reader.close() }
            try await eventually("the refusal") { reader.status != nil }
            #expect(reader.status == 503)
            #expect(try await client.control.streamConnections().open == 0)
        }
    }
}
