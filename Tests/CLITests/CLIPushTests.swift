import CurlHTTP
import Foundation
import KiamoTwitterAdmin
import TestSupport
import Testing
import XAPI

/// `kiamo-twitter webhooks ...`, `subscriptions ...` and numbered tests 10 and 11 against the
/// emulator, with no broker: the push commands talk to X only.
@Suite struct CLIPushTests {
    let account = TestAccount()

    /// The emulator takes the receiver's `http://127.0.0.1:PORT` URL (X takes https only).
    private func pushEmulator(_ arguments: [String] = []) async throws -> CLIEmulator {
        try await CLIEmulator(arguments: ["--allow-insecure-webhooks"] + arguments)
    }

    @Test func aWebhookIsRegisteredListedValidatedSubscribedReplayedAndDeleted() async throws {
        let emulator = try await pushEmulator()
        let receiver = try CRCReceiver()
        let environment = try CLIEnvironment.withoutBroker(apiBaseURL: emulator.baseURL, extra: ["KIAMO_TWITTER_WEBHOOK_URL": receiver.url])
        // A DM half an hour old: only a replay can bring it to a webhook registered now.
        let customer = try await emulator.control.addUser(name: "Jane Doe", username: "janedoe").id
        let earlier = try await emulator.control.postDM(
            from: customer, to: account.userId, text: "half an hour ago", createdAt: Date().addingTimeInterval(-1800))

        let registered = try await environment.run(["webhooks", "register", "--json"])
        #expect(registered.status == 0, "\(registered)")
        let webhook = try #require(try JSONDocument(registered.stdout)["webhook"] as? [String: Any], "\(registered)")
        let id = try #require(webhook["id"] as? String)
        #expect(webhook["url"] as? String == receiver.url && webhook["valid"] as? Bool == true, "\(registered)")
        #expect(try JSONDocument(registered.stdout)["action"] as? String == "registered")
        #expect(receiver.crcCount >= 1)
        let again = try await environment.run(["webhooks", "register"])
        #expect(again.status == 0 && again.stdout.contains("already registered: webhook \(id) \(receiver.url): valid"), "\(again)")

        let listed = try await environment.run(["webhooks", "list", "--json"])
        #expect(listed.status == 0, "\(listed)")
        let webhooks = try JSONDocument(listed.stdout).array("webhooks")
        #expect(webhooks.map { $0["id"] as? String } == [id] && webhooks.first?["valid"] as? Bool == true, "\(listed)")

        let checksBefore = receiver.crcCount
        let validated = try await environment.run(["webhooks", "validate"])
        #expect(validated.status == 0 && validated.stdout.contains("X's check (CRC) passed: webhook \(id)"), "\(validated)")
        #expect(receiver.crcCount > checksBefore)
        let numbered = try await environment.run(["test", "--test=10"])
        #expect(numbered.status == 0 && numbered.stdout.hasSuffix("OK\n"), "\(numbered)")

        let subscribed = try await environment.run(["webhooks", "subscribe", "--json"])
        #expect(subscribed.status == 0, "\(subscribed)")
        #expect(try JSONDocument(subscribed.stdout)["accounts"] as? [String] == [account.userId], "\(subscribed)")
        let push = try XPushClient(
            baseURL: emulator.baseURL, consumerKey: account.consumerKey, consumerSecret: account.consumerSecret, transport: emulator.http)
        #expect(try await push.accountActivitySubscriptions(webhookId: id) == [account.userId])

        let tooOld = try await environment.run(["webhooks", "replay", "--from", "-25h"])
        #expect(tooOld.status == 2 && tooOld.stdout.isEmpty, "\(tooOld)")
        #expect(tooOld.errorLines.count == 1 && tooOld.stderr.contains("is 25.0 h ago: X replays at most 24 h back"), "\(tooOld)")
        let reversed = try await environment.run(["webhooks", "replay", "--from", "-1h", "--to", "-2h"])
        #expect(reversed.status == 2 && reversed.stderr.contains("is after --to"), "\(reversed)")
        #expect(try await emulator.control.webhookDeliveries().allSatisfy { !$0.replay }, "a refused window reached X")

        let replayed = try await environment.run(["webhooks", "replay", "--from", "-1h", "--json"])
        #expect(replayed.status == 0, "\(replayed)")
        let job = try JSONDocument(replayed.stdout)["job"] as? [String: Any]
        #expect((job?["job_id"] as? String).map { !$0.isEmpty } == true, "\(replayed)")
        try await eventually("X to deliver the replayed DM") {
            try await emulator.control.webhookDeliveries().contains { $0.replay && $0.eventID == earlier && $0.webhookID == id }
        }

        let deleted = try await environment.run(["webhooks", "delete", "--id", id])
        #expect(deleted.status == 0 && deleted.stdout.contains("deleted webhook \(id)"), "\(deleted)")
        let empty = try await environment.run(["webhooks", "list", "--json"])
        #expect(try empty.status == 0 && JSONDocument(empty.stdout).array("webhooks").isEmpty, "\(empty)")
        let gone = try await environment.run(["webhooks", "delete", "--id", id])
        #expect(gone.status == 1 && gone.errorLines.count == 1, "\(gone)")
    }

    @Test func registeringWithoutAURLOrAnAppKeyExitsTwo() async throws {
        let emulator = try await pushEmulator()
        let environment = try CLIEnvironment.withoutBroker(apiBaseURL: emulator.baseURL)
        let noURL = try await environment.run(["webhooks", "register"])
        #expect(noURL.status == 2 && noURL.stderr.contains("KIAMO_TWITTER_WEBHOOK_URL"), "\(noURL)")
        let refused = try await environment.run(["webhooks", "register", "--url", "http://127.0.0.1:\(try LoopbackHTTPServer.unusedPort())/x"])
        #expect(refused.status == 1 && refused.stderr.contains("crc_token"), "\(refused)")
        let noWebhook = try await environment.run(["webhooks", "validate"])
        #expect(noWebhook.status == 1 && noWebhook.stderr.contains("no webhook"), "\(noWebhook)")
        let numbered = try await environment.run(["test", "--test=10"])
        #expect(numbered.status == 2 && numbered.stdout.contains("ingest.webhook.url is not configured"), "\(numbered)")
        var oauth2 = try CLIEnvironment.withoutBroker(apiBaseURL: emulator.baseURL)
        oauth2.variables = oauth2.variables.filter { !$0.key.hasPrefix("KIAMO_TWITTER_CONSUMER") && !$0.key.hasPrefix("KIAMO_TWITTER_OAUTH") }
            .merging(account.oauth2Environment()) { _, new in new }
        let noKeys = try await oauth2.run(["webhooks", "list"])
        #expect(noKeys.status == 2 && noKeys.stderr.contains("KIAMO_TWITTER_APP_CONSUMER_KEY"), "\(noKeys)")
    }

    @Test func creatingSubscriptionsTwiceCreatesOneThatListsAndDeletes() async throws {
        let emulator = try await pushEmulator()
        let environment = try CLIEnvironment.withoutBroker(apiBaseURL: emulator.baseURL)
        let first = try await environment.run(["subscriptions", "create", "--json"])
        #expect(first.status == 0, "\(first)")
        let outcome = try #require(try JSONDocument(first.stdout).array("outcomes").first, "\(first)")
        #expect(outcome["created"] as? Bool == true && outcome["account"] as? String == account.userId, "\(first)")
        let id = try #require((outcome["subscription"] as? [String: Any])?["subscription_id"] as? String)
        let second = try await environment.run(["subscriptions", "create"])
        #expect(second.status == 0 && second.stdout.contains("account \(account.userId): exists subscription \(id): dm.received"), "\(second)")

        let listed = try await environment.run(["subscriptions", "list", "--json"])
        #expect(listed.status == 0, "\(listed)")
        let subscriptions = try JSONDocument(listed.stdout).array("subscriptions")
        #expect(subscriptions.map { $0["subscription_id"] as? String } == [id], "\(listed)")
        #expect((subscriptions.first?["filter"] as? [String: Any])?["user_id"] as? String == account.userId)
        #expect(subscriptions.first?["event_type"] as? String == "dm.received" && subscriptions.first?["webhook_id"] == nil)

        let deleted = try await environment.run(["subscriptions", "delete", "--id", id])
        #expect(deleted.status == 0 && deleted.stdout == "deleted subscription \(id)\n", "\(deleted)")
        let empty = try await environment.run(["subscriptions", "list", "--json"])
        #expect(try empty.status == 0 && JSONDocument(empty.stdout).array("subscriptions").isEmpty, "\(empty)")
        let unknown = try await environment.run(["subscriptions", "delete", "--id", id])
        #expect(unknown.status == 1 && unknown.errorLines.count == 1, "\(unknown)")
    }

    @Test func theStreamTestPassesOnAKeepAliveAndFailsWhenXRefuses() async throws {
        let emulator = try await pushEmulator(["--stream-keep-alive", "0.5"])
        let environment = try CLIEnvironment.withoutBroker(apiBaseURL: emulator.baseURL)
        let passed = try await environment.run(["test", "--test=11", "--timeout", "10"])
        #expect(passed.status == 0 && passed.stdout.contains("HTTP 200, then a keep-alive") && passed.stdout.hasSuffix("OK\n"), "\(passed)")
        try await eventually("the probe to close its stream") { try await emulator.control.streamConnections().open == 0 }

        try await emulator.control.fault(.init(endpoint: "GET /2/activity/stream", kind: .status, status: 503, count: 1))
        let refused = try await environment.run(["test", "--test=11", "--timeout", "10", "--json"])
        #expect(refused.status == 1, "\(refused)")
        let json = try JSONDocument(refused.stdout)
        #expect(json["ok"] as? Bool == false && (json["failure"] as? String)?.contains("HTTP 503") == true, "\(refused)")
    }
}
