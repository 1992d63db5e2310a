import CurlHTTP
import Foundation
import TestSupport
import Testing
import XEmulator

@Suite("Webhooks and the Account Activity API")
struct WebhookTests {
    @Test func clientCredentialsGiveOneAppTokenAndWrongCredentialsAre403() async throws {
        try await PushFixture.run { emulator, client in
            let again = try await PushClient.tokenRequest(
                client.http, emulator: emulator, key: TestEmulator.Credentials.consumerKey, secret: TestEmulator.Credentials.consumerSecret)
            #expect(again.status == 200)
            #expect(again.json["token_type"] as? String == "bearer")
            #expect(again.json["access_token"] as? String == client.appToken)
            let wrong = try await PushClient.tokenRequest(client.http, emulator: emulator, key: TestEmulator.Credentials.consumerKey, secret: "wrong")
            #expect(wrong.status == 403)
            #expect(wrong.text == #"{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}"#)
        }
    }

    @Test func theAppTokenIsRefusedOnADMRouteAndUserContextOnAnAppOnlyRoute() async throws {
        try await PushFixture.run { _, client in
            let dm = try await client.call("GET", "/2/dm_events")
            #expect(dm.status == 403)
            #expect(
                dm.text
                    == #"{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].","type":"https://api.twitter.com/2/problems/unsupported-authentication","status":403}"#
            )
            let list = try await client.call("GET", "/2/webhooks", auth: .user)
            #expect(list.status == 403)
            #expect(list.json["title"] as? String == "Unsupported Authentication")
            #expect(try await client.call("GET", "/2/webhooks").text == #"{"meta":{"result_count":0}}"#)
        }
    }

    @Test func aWebhookAnsweringTheCRCRightIsRegisteredValidAndListed() async throws {
        try await PushFixture.run { _, client in
            let receiver = try WebhookReceiver()
            let reply = try await client.call("POST", "/2/webhooks", json: #"{"url":"\#(receiver.url)"}"#)
            #expect(reply.status == 200)
            #expect(reply.data["url"] as? String == receiver.url && reply.data["valid"] as? Bool == true)
            #expect((reply.data["id"] as? String)?.allSatisfy(\.isNumber) == true)
            #expect(XTimestampCheck.isRFC3339(reply.data["created_at"] as? String))
            #expect(receiver.crcCount == 1)
            let list = try await client.call("GET", "/2/webhooks")
            #expect((list.json["data"] as? [[String: Any]])?.first?["id"] as? String == reply.data["id"] as? String)
            #expect((list.json["meta"] as? [String: Any])?["result_count"] as? Int == 1)
            let duplicate = try await client.call("POST", "/2/webhooks", json: #"{"url":"\#(receiver.url)"}"#)
            #expect(duplicate.status == 400 && duplicate.text.contains("DuplicateUrlFailed"))
            let other = try WebhookReceiver()
            #expect(try await client.call("POST", "/2/webhooks", json: #"{"url":"\#(other.url)"}"#).status == 403)
        }
    }

    @Test func aWebhookAnsweringWithAnotherSecretIsRefusedAndNotRegistered() async throws {
        try await PushFixture.run { _, client in
            let receiver = try WebhookReceiver(crcSecret: "not-the-app-secret")
            let reply = try await client.call("POST", "/2/webhooks", json: #"{"url":"\#(receiver.url)"}"#)
            #expect(reply.status == 400)
            #expect(reply.text.contains("CRC validation failed"))
            #expect(try await client.call("GET", "/2/webhooks").text == #"{"meta":{"result_count":0}}"#)
        }
    }

    @Test func strictModeTakesHTTPSOnlyWithoutAPort() async throws {
        try await PushFixture.run(PushFixture.configuration(strict: true)) { _, client in
            let receiver = try WebhookReceiver()
            let plain = try await client.call("POST", "/2/webhooks", json: #"{"url":"\#(receiver.url)"}"#)
            #expect(plain.status == 400 && plain.text.contains("https"))
            let port = try await client.call("POST", "/2/webhooks", json: #"{"url":"https://example.com:8443/hook"}"#)
            #expect(port.status == 400 && port.text.contains("port"))
            let query = try await client.call("POST", "/2/webhooks", json: #"{"url":"https://example.com/hook?a=1"}"#)
            #expect(query.status == 400 && query.text.contains("query"))
            #expect(receiver.crcCount == 0)
        }
    }

    @Test func putRunsACRCNowAndAnswersItsOutcome() async throws {
        try await PushFixture.run { _, client in
            let receiver = try WebhookReceiver()
            let id = try await client.registerWebhook(receiver.url)
            receiver.answerCRC(with: "wrong")
            let failed = try await client.call("PUT", "/2/webhooks/\(id)")
            #expect(failed.status == 200 && failed.text == #"{"data":{"valid":false}}"#)
            #expect((try await client.call("GET", "/2/webhooks").json["data"] as? [[String: Any]])?.first?["valid"] as? Bool == false)
            receiver.answerCRC(with: TestEmulator.Credentials.consumerSecret)
            #expect(try await client.call("PUT", "/2/webhooks/\(id)").text == #"{"data":{"valid":true}}"#)
            #expect(try await client.call("PUT", "/2/webhooks/42").status == 404)
            #expect(try await client.call("DELETE", "/2/webhooks/\(id)").text == #"{"data":{"deleted":true}}"#)
            #expect(try await client.call("GET", "/2/webhooks").text == #"{"meta":{"result_count":0}}"#)
        }
    }

    @Test func aFailedPeriodicCRCMarksTheWebhookInvalidAndItGetsNoDelivery() async throws {
        let clock = ManualClock()
        try await PushFixture.run(PushFixture.configuration(clock: clock)) { emulator, client in
            let receiver = try WebhookReceiver()
            let id = try await client.registerWebhook(receiver.url)
            try await client.subscribeAccount(webhook: id)
            receiver.answerCRC(with: "wrong")
            clock.advance(by: 3601)
            try await eventually("the periodic CRC to mark the webhook invalid", timeout: .seconds(10)) {
                (try await client.call("GET", "/2/webhooks").json["data"] as? [[String: Any]])?.first?["valid"] as? Bool == false
            }
            let missed = try await client.control.postDM(from: PushFixture.customerID, text: "while invalid")
            receiver.answerCRC(with: TestEmulator.Credentials.consumerSecret)
            #expect(try await client.call("PUT", "/2/webhooks/\(id)").text == #"{"data":{"valid":true}}"#)
            let delivered = try await client.control.postDM(from: PushFixture.customerID, text: "valid again")
            try await eventually("the DM after validation to be delivered") { receiver.deliveries.count == 1 }
            let events = receiver.deliveries[0].json["direct_message_events"] as? [[String: Any]]
            #expect(events?.first?["id"] as? String == delivered)
            #expect(try await client.control.webhookDeliveries().map(\.eventID) == [delivered])
            #expect(missed != delivered)
            _ = emulator
        }
    }

    @Test func anInboundDMIsDeliveredOnceSignedWithTheExactFields() async throws {
        try await PushFixture.run { emulator, client in
            let receiver = try WebhookReceiver()
            let id = try await client.registerWebhook(receiver.url)
            try await client.subscribeAccount(webhook: id)
            #expect(try await client.call("GET", "/2/account_activity/webhooks/\(id)/subscriptions/all", auth: .user).text == #"{"data":{"subscribed":true}}"#)
            let list = try await client.call("GET", "/2/account_activity/webhooks/\(id)/subscriptions/all/list")
            #expect((list.data["subscriptions"] as? [[String: String]]) == [["user_id": PushFixture.accountID]])
            #expect(list.data["webhook_url"] as? String == receiver.url)
            let eventID = try await client.control.postDM(from: PushFixture.customerID, text: "Hello @kiamo_support")
            try await eventually("the delivery") { receiver.deliveries.count == 1 }
            let delivery = receiver.deliveries[0]
            #expect(delivery.signature == WebhookReceiver.sign(delivery.body, secret: TestEmulator.Credentials.consumerSecret))
            #expect(delivery.contentType == "application/json")
            let body = delivery.json
            #expect(Set(body.keys) == ["for_user_id", "direct_message_events", "users"])
            #expect(body["for_user_id"] as? String == PushFixture.accountID)
            let event = (body["direct_message_events"] as? [[String: Any]])?.first ?? [:]
            #expect(event["type"] as? String == "message_create" && event["id"] as? String == eventID)
            let create = event["message_create"] as? [String: Any] ?? [:]
            #expect(create["sender_id"] as? String == PushFixture.customerID)
            #expect((create["target"] as? [String: String])?["recipient_id"] == PushFixture.accountID)
            #expect((create["message_data"] as? [String: Any])?["text"] as? String == "Hello @kiamo_support")
            // The same event as the v1.1 list renders it.
            let users = body["users"] as? [String: [String: String]] ?? [:]
            #expect(Set(users.keys) == [PushFixture.accountID, PushFixture.customerID])
            #expect(
                users[PushFixture.customerID] == [
                    "id": PushFixture.customerID, "id_str": PushFixture.customerID, "name": "Jane Doe", "screen_name": "janedoe",
                    "profile_image_url_https": "https://pbs.twimg.com/profile_images/\(PushFixture.customerID)/avatar_normal.png",
                ])
            let records = try await client.control.webhookDeliveries()
            #expect(records.map(\.attempt) == [1] && records.map(\.status) == [200] && records.map(\.replay) == [false])
            #expect(receiver.deliveries.count == 1)
            let gone = try await client.call("DELETE", "/2/account_activity/webhooks/\(id)/subscriptions/\(PushFixture.accountID)/all")
            #expect(gone.text == #"{"data":{"subscribed":false}}"#)
            _ = emulator
        }
    }

    @Test func aDeliveryAnswered500IsRetriedOnceThenDone() async throws {
        try await PushFixture.run(PushFixture.configuration(retryDelays: [.milliseconds(100), .milliseconds(100), .milliseconds(100)])) { _, client in
            let receiver = try WebhookReceiver()
            let id = try await client.registerWebhook(receiver.url)
            try await client.subscribeAccount(webhook: id)
            receiver.script([500, 200])
            let first = try await client.control.postDM(from: PushFixture.customerID, text: "retry me")
            try await eventually("the retry") { receiver.deliveries.count == 2 }
            // A later event's delivery, once the retry delay has passed: no third attempt came.
            let marker = try await client.control.postDM(from: PushFixture.customerID, text: "marker")
            try await eventually("the marker's delivery") { try await client.control.webhookDeliveries().contains { $0.eventID == marker } }
            let attempts = try await client.control.webhookDeliveries().filter { $0.eventID == first }
            #expect(attempts.map(\.attempt) == [1, 2])
            #expect(attempts.map(\.status) == [500, 200])
            #expect(receiver.deliveries[0].body == receiver.deliveries[1].body)
        }
    }

    @Test func aDeliveryNeverAnswered2xxIsAttemptedOncePlusEachRetryThenDropped() async throws {
        try await PushFixture.run(PushFixture.configuration(retryDelays: [.milliseconds(50), .milliseconds(50), .milliseconds(50)])) { _, client in
            let receiver = try WebhookReceiver()
            let id = try await client.registerWebhook(receiver.url)
            try await client.subscribeAccount(webhook: id)
            receiver.script([500, 503, 500, 502])
            let first = try await client.control.postDM(from: PushFixture.customerID, text: "never")
            try await eventually("four attempts") { try await client.control.webhookDeliveries().count == 4 }
            let marker = try await client.control.postDM(from: PushFixture.customerID, text: "marker")
            try await eventually("the marker's delivery") { try await client.control.webhookDeliveries().contains { $0.eventID == marker } }
            let attempts = try await client.control.webhookDeliveries().filter { $0.eventID == first }
            #expect(attempts.map(\.attempt) == [1, 2, 3, 4])
            #expect(attempts.map(\.status) == [500, 503, 500, 502])
        }
    }

    @Test func aReplayRedeliversTheWindowsEventsOnly() async throws {
        try await PushFixture.run { emulator, client in
            let now = Date()
            let old = try await client.control.postDM(from: PushFixture.customerID, text: "three hours ago", createdAt: now.addingTimeInterval(-3 * 3600))
            let inWindow = try await client.control.postDM(from: PushFixture.customerID, text: "half an hour ago", createdAt: now.addingTimeInterval(-1800))
            let receiver = try WebhookReceiver()
            let id = try await client.registerWebhook(receiver.url)
            try await client.subscribeAccount(webhook: id)
            let from = PushFixture.minute(now.addingTimeInterval(-3600))
            let to = PushFixture.minute(now)
            let reply = try await client.call("POST", "/2/webhooks/replay", json: #"{"webhook_id":"\#(id)","from_date":"\#(from)","to_date":"\#(to)"}"#)
            #expect(reply.status == 200)
            #expect(reply.data["job_id"] is String && reply.data["created_at"] is String)
            try await eventually("the replayed delivery") { receiver.deliveries.count == 1 }
            let records = try await client.control.webhookDeliveries()
            #expect(records.map(\.eventID) == [inWindow] && records.map(\.replay) == [true])
            #expect(receiver.deliveries[0].signature == WebhookReceiver.sign(receiver.deliveries[0].body, secret: TestEmulator.Credentials.consumerSecret))
            #expect(!records.map(\.eventID).contains(old))
            let tooOld = PushFixture.minute(now.addingTimeInterval(-25 * 3600))
            let refused = try await client.call("POST", "/2/webhooks/replay", json: #"{"webhook_id":"\#(id)","from_date":"\#(tooOld)","to_date":"\#(to)"}"#)
            #expect(refused.status == 400)
            _ = emulator
        }
    }
}
