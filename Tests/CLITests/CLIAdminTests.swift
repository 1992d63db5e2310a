import AMQP
import Foundation
import KiamoTwitterAdmin
import TestSupport
import Testing
import XEmulatorControl

/// `kiamo-twitter` against the test broker, the emulator and a state file of its own.
@Suite struct CLIAdminTests {
    let account = TestAccount()

    @Test func userAndTheNumberedTestsOfTheOriginalAgainstTheEmulator() async throws {
        let emulator = try await CLIEmulator()
        let environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        let me = try await environment.run(["user", "--json"])
        #expect(me.status == 0, "\(me)")
        let json = try JSONDocument(me.stdout)
        #expect((json["user"] as? [String: Any])?["username"] as? String == account.username)
        #expect(json["userRecord"] as? String == "Kiamo Support@\(account.username)")
        #expect(json["isAccount"] as? Bool == true)

        let (customer, _) = try await emulator.customerMessage("Hello from Jane")
        let byName = try await environment.run(["user", "--username", "@janedoe"])
        #expect(byName.stdout.contains("id: \(customer)") && byName.stdout.contains("user record (Kiamo senderName): Jane Doe@janedoe"), "\(byName)")

        for number in ["01", "02", "04", "08", "09"] {
            let result = try await environment.run(["test", "--test=\(number)"])
            #expect(result.status == 0, "test \(number): \(result)")
            #expect(result.stdout.hasSuffix("OK\n"), "test \(number): \(result)")
        }
        let read = try await environment.run(["test", "--test=02"])
        #expect(read.stdout.contains("raw events (newest first):") && read.stdout.contains(#""senderName":"Jane Doe@janedoe""#), "\(read)")
        let unknown = try await environment.run(["user", "--id", "999"])
        #expect(unknown.status == 1 && unknown.errorLines.count == 1, "\(unknown)")
    }

    @Test func readPrintsTheMessagesAndMovesNoCursorUnlessCommitted() async throws {
        let emulator = try await CLIEmulator()
        let environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        let (_, first) = try await emulator.customerMessage("first")
        let bob = try await emulator.control.addUser(name: "Bob", username: "bob").id
        _ = try await emulator.control.postDM(from: bob, to: account.userId, text: "second")

        let read = try await environment.run(["read", "--json"])
        #expect(read.status == 0, "\(read)")
        let json = try JSONDocument(read.stdout)
        #expect(json.array("messages").map { $0["content"] as? String } == ["first", "second"])
        #expect(json.array("events").count == 2)
        #expect(json["committed"] as? Bool == false)
        #expect(json["cursorAfter"] == nil)
        let shown = try await environment.run(["state", "show", "--json"])
        #expect(shown.status == 0, "\(shown)")
        #expect(try JSONDocument(shown.stdout).array("accounts").allSatisfy { $0["cursor"] == nil }, "read moved the cursor: \(shown)")

        let since = try await environment.run(["read", "--since", first])
        #expect(since.status == 0 && since.stdout.contains("1 event(s) newer than \(first)"), "\(since)")

        let committed = try JSONDocument(try await environment.run(["read", "--commit", "--json"]).stdout)
        #expect(committed["committed"] as? Bool == true)
        let newest = try #require(committed.array("events").first?["id"] as? String)
        #expect(committed["cursorAfter"] as? String == newest)
        let after = try JSONDocument(try await environment.run(["state", "show", "--json"]).stdout)
        #expect(after.array("accounts").first?["cursor"] as? String == newest)
    }

    @Test func sendPostsOneDMDirectlyAndPrintsItsEventId() async throws {
        let emulator = try await CLIEmulator()
        let environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        let customer = try await emulator.control.addUser(name: "Jane Doe", username: "janedoe").id
        let result = try await environment.run(["send", "--to", customer, "--text", "Hi \"Jane\"\nsee you", "--json"])
        #expect(result.status == 0, "\(result)")
        let dmEventId = try #require(try JSONDocument(result.stdout)["dmEventId"] as? String)
        let sent = try await emulator.control.sent(account: account.userId)
        #expect(sent.map(\.dmEventID) == [dmEventId])
        #expect(sent.first?.text == "Hi \"Jane\"\nsee you")
        let test03 = try await environment.run(["test", "--test=03", "--to", customer, "--text", "from test 03"])
        #expect(test03.status == 0 && test03.stdout.contains("DM event id: "), "\(test03)")
        let bad = try await environment.run(["send", "--to", "jane", "--text", "x"])
        #expect(bad.status == 2 && bad.errorLines.count == 1 && bad.stderr.contains("not a numeric X user id"), "\(bad)")
    }

    @Test func setupDeclaresTheTopologyThatStatusAndTest05Report() async throws {
        let emulator = try await CLIEmulator()
        let environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        let fresh = try await environment.run(["status", "--json"])
        #expect(fresh.status == 0, "\(fresh)")
        #expect(try JSONDocument(fresh.stdout)["missingStateFile"] as? String == environment.stateFile)
        #expect(try JSONDocument(fresh.stdout).array("queues").allSatisfy { $0["present"] as? Bool == false })
        let before = try await environment.run(["test", "--test=05"])
        #expect(before.status == 1 && before.stdout.contains("FAILED: missing queue(s)"), "\(before)")
        let setup = try await environment.run(["setup", "--json"])
        #expect(setup.status == 0, "\(setup)")
        #expect(
            try JSONDocument(setup.stdout)["queues"] as? [String]
                == [
                    "inbound", "send", "reports", "send.dead", "inbound.dead", "send.retry.1s", "send.retry.10s", "send.retry.1m", "send.retry.10m",
                ].map { "\(environment.exchange).\($0)" })
        #expect(try await environment.run(["setup"]).status == 0, "setup is not idempotent")

        _ = try await environment.run(["user"])
        let status = try await environment.run(["status", "--json"])
        #expect(status.status == 0, "\(status)")
        let json = try JSONDocument(status.stdout)
        #expect(json.array("queues").count == 9)
        #expect(json.array("queues").allSatisfy { $0["present"] as? Bool == true && $0["messages"] as? Int == 0 && $0["consumers"] as? Int == 0 })
        let state = try #require(json.array("accounts").first)
        #expect(state["account"] as? String == account.userId)
        #expect((state["rateLimits"] as? [[String: Any]])?.contains { $0["endpoint"] as? String == "users" } == true)
        #expect(json["broker"] as? String == (try TestBroker.url()).replacingOccurrences(of: "guest:guest", with: "****"))
        let test05 = try await environment.run(["test", "--test=05"])
        #expect(test05.status == 0 && test05.stdout.contains("\(environment.exchange).send: 0 message(s), 0 consumer(s)"), "\(test05)")
        let test06 = try await environment.run(["test", "--test=06"])
        #expect(test06.status == 0 && test06.stdout.hasSuffix("OK\n"), "\(test06)")
    }

    @Test func stateExportWritesTheOriginalsFilesAndCleanCacheReportsEachAccount() async throws {
        let emulator = try await CLIEmulator()
        let environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        _ = try await emulator.customerMessage("hello")
        #expect(try await environment.run(["read", "--commit"]).status == 0)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-export-\(UUID().uuidString.prefix(8))").path
        let export = try await environment.run(["state", "export", "--dir", folder, "--json"])
        #expect(export.status == 0, "\(export)")
        let files = try #require(try JSONDocument(export.stdout)["files"] as? [String])
        #expect(files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["kiamo-twitter.json", "customers.json", "conversations.json", "cursors.json"])
        let cursors = try String(contentsOfFile: "\(folder)/cursors.json", encoding: .utf8)
        #expect(cursors.contains("lastReadMessageId"))
        let clean = try await environment.run(["state", "clean-cache", "--json"])
        #expect(clean.status == 0, "\(clean)")
        let outcome = try #require(try JSONDocument(clean.stdout).array("results").first)
        #expect(outcome["account"] as? String == account.userId)
        #expect(["cleaned", "not due"].contains(outcome["outcome"] as? String ?? ""))
    }

    @Test func deadLettersListLeavesThemInPlaceAndReplayPutsThemBackOnTheSendRouting() async throws {
        let emulator = try await CLIEmulator()
        let environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        #expect(try await environment.run(["setup"]).status == 0)
        let broker = try AMQPConnection(url: try TestBroker.url())
        try await broker.connect()
        let channel = try await broker.openChannel()
        for id in ["cmd-1", "cmd-2"] {
            let body = Data(#"{"id": "\#(id)", "to": {"id": "906948460078698496"}, "content": "Hi"}"#.utf8)
            try await channel.publish(
                exchange: "\(environment.exchange).dlx", routingKey: "send.\(account.userId)", body: body,
                properties: AMQPProperties(
                    contentType: "application/json",
                    headers: [
                        "x-kiamo-error-code": "x_rejected", "x-kiamo-error-message": "X refused the DM (HTTP 403)", "x-kiamo-attempts": .int64(3),
                        "x-account-id": .string(account.userId),
                    ],
                    deliveryMode: .persistent, messageId: id))
        }
        let dead = "\(environment.exchange).send.dead"
        let send = "\(environment.exchange).send"

        let list = try await environment.run(["dead-letters", "list", "--json"])
        #expect(list.status == 0, "\(list)")
        let letters = try JSONDocument(list.stdout).array("letters")
        #expect(letters.map { $0["id"] as? String } == ["cmd-1", "cmd-2"])
        #expect(letters.first?["errorCode"] as? String == "x_rejected")
        #expect(letters.first?["attempts"] as? Int == 3)
        #expect(letters.first?["account"] as? String == account.userId)
        #expect(try await channel.queueDeclare(dead, passive: true).messageCount == 2, "list consumed dead letters")

        let one = try await environment.run(["dead-letters", "replay", "--id", "cmd-2"])
        #expect(one.status == 0, "\(one)")
        #expect(one.stdout.contains("replayed 1 dead letter(s)"))
        let replayed = try #require(try await channel.get(queue: send))
        #expect(replayed.properties.messageId == "cmd-2")
        #expect(replayed.routingKey == "send.\(account.userId)")
        #expect(replayed.properties.headers["x-kiamo-error-code"] == nil)
        #expect(replayed.properties.headers["x-account-id"]?.stringValue == account.userId)
        try await channel.ack(replayed)
        #expect(try await channel.queueDeclare(dead, passive: true).messageCount == 1)

        let missing = try await environment.run(["dead-letters", "replay", "--id", "cmd-9"])
        #expect(
            missing.status == 1 && missing.errorLines.filter { $0.hasPrefix("kiamo-twitter:") }.count == 1
                && missing.errorLines.last?.contains("no dead letter with id cmd-9") == true, "\(missing)")
        #expect(try await channel.queueDeclare(dead, passive: true).messageCount == 1, "a failed replay lost a dead letter")
        // Every one only when asked for by --all; --dry-run moves nothing; progress says how far.
        let unasked = try await environment.run(["dead-letters", "replay"])
        #expect(unasked.status == 2 && unasked.errorLines.count == 1 && unasked.stderr.contains("--all"), "\(unasked)")
        let dry = try await environment.run(["dead-letters", "replay", "--all", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("would replay 1 dead letter(s)") && dry.stdout.contains("cmd-1"), "\(dry)")
        #expect(try await channel.queueDeclare(dead, passive: true).messageCount == 1, "a dry run moved a dead letter")
        #expect(try await channel.queueDeclare(send, passive: true).messageCount == 0, "a dry run replayed a dead letter")
        let all = try await environment.run(["dead-letters", "replay", "--all", "--json"])
        #expect(all.status == 0, "\(all)")
        #expect(all.stderr.contains("1 dead letter(s); replaying every one") && all.stderr.contains("replayed 1/1: cmd-1"), "\(all)")
        #expect(try JSONDocument(all.stdout).array("replayed").map { $0["id"] as? String } == ["cmd-1"])
        #expect(try await channel.queueDeclare(dead, passive: true).messageCount == 0)
        #expect(try await channel.queueDeclare(send, passive: true).messageCount == 1)
        await broker.close()
    }

    @Test func e2eWithoutWorkersFailsNamingTheWorkerItWaitedFor() async throws {
        let emulator = try await CLIEmulator()
        let environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        let unset = try await environment.run(["e2e", "--timeout", "1"])
        #expect(unset.status == 1 && unset.stderr.contains("does not exist: run `kiamo-twitter setup`"), "\(unset)")
        #expect(try await environment.run(["setup"]).status == 0)
        let result = try await environment.run(["e2e", "--timeout", "1"])
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLines.last?.contains("is the ingest worker running?") == true, "\(result)")
    }
}
