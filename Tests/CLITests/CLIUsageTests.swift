import Foundation
import TestSupport
import Testing
import XAPI

/// `kiamo-twitter` run as a process where nothing is reachable: help, command-line and
/// configuration errors, the pure commands (`test --list`, test 00, `request`, `map`), and
/// unreachable broker and X.
@Suite struct CLIUsageTests {
    static let commands: [[String]] = [
        [], ["test"], ["auth"], ["auth", "check"], ["auth", "refresh"], ["auth", "login"], ["user"], ["request"], ["read"], ["send"],
        ["map"], ["e2e"], ["setup"], ["state"], ["state", "show"], ["state", "export"], ["state", "clean-cache"],
        ["dead-letters"], ["dead-letters", "list"], ["dead-letters", "replay"], ["status"], ["settings"],
    ]

    @Test(arguments: commands)
    func everyCommandHasItsHelp(_ path: [String]) async throws {
        let result = try await CLIEnvironment.offline().run(path + ["--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("OVERVIEW:"))
        #expect(result.stdout.contains("USAGE: kiamo-twitter"))
        if path.count == 2 || ["user", "read", "send", "map", "e2e", "setup", "status", "request"].contains(path.first ?? "") {
            #expect(result.stdout.contains("--config <path>") && result.stdout.contains("--json"), "leaf \(path) lacks the global options")
        }
    }

    @Test func rootHelpNamesEverySubcommandTheExitCodesAndTheSettings() async throws {
        let help = try await CLIEnvironment.offline().run(["--help"]).stdout
        for name in ["test", "auth", "user", "request", "read", "send", "map", "e2e", "setup", "state", "dead-letters", "status"] {
            #expect(help.contains("  \(name) "), "\(name) missing from the root help")
        }
        #expect(help.contains("Exit codes: 0 success; 1"))
        // The commands come first: the settings reference is a command of its own.
        #expect(!help.contains("KIAMO_TWITTER_AMQP_URL"), "the root help still lists the settings")
        let subcommands = try #require(help.range(of: "SUBCOMMANDS:"), "\(help)")
        #expect(help[..<subcommands.lowerBound].split(separator: "\n").count < 25, "the subcommands are not near the top:\n\(help)")
        let settings = try await CLIEnvironment.offline().run(["settings"])
        #expect(settings.status == 0 && settings.stdout.contains("KIAMO_TWITTER_AMQP_URL") && settings.stdout.contains("accounts[].userId"), "\(settings)")
        let tests = try await CLIEnvironment.offline().run(["test", "--help"]).stdout
        #expect(tests.contains("07  end to end"))
    }

    @Test(arguments: [
        (["frobnicate"], "frobnicate"),
        (["send", "--to", "1"], "--text"),
        (["read", "--since"], "--since"),
        (["user", "--id", "1", "--username", "x"], "not both"),
        (["test"], "--test NN"),
        (["test", "--test=42"], "no test 42"),
        (["dead-letters", "list", "--limit", "many"], "many"),
        (["dead-letters", "replay"], "--all"),
        (["dead-letters", "replay", "--all", "--id", "x"], "not both"),
    ])
    func wrongCommandLineIsOneLineAndExitCode2(_ arguments: [String], _ named: String) async throws {
        let result = try await CLIEnvironment.offline().run(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.stderr.contains(named), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aMissingCredentialNamesTheKeyAndItsEnvironmentVariable() async throws {
        var environment = try CLIEnvironment.offline()
        environment.variables["KIAMO_TWITTER_OAUTH_TOKEN_SECRET"] = nil
        let one = try await environment.run(["status"])
        #expect(one.status == 2 && one.errorLines.count == 1, "\(one)")
        #expect(one.stderr.contains("accounts[0].oauthTokenSecret") && one.stderr.contains("KIAMO_TWITTER_OAUTH_TOKEN_SECRET"), "\(one)")
        for variable in ["KIAMO_TWITTER_CONSUMER_KEY", "KIAMO_TWITTER_CONSUMER_SECRET", "KIAMO_TWITTER_OAUTH_TOKEN"] {
            environment.variables[variable] = nil
        }
        let none = try await environment.run(["status"])
        #expect(none.status == 2 && none.errorLines.count == 1, "\(none)")
        #expect(none.stderr.contains("consumerKey (KIAMO_TWITTER_CONSUMER_KEY)") && none.stderr.contains("clientId (KIAMO_TWITTER_CLIENT_ID)"), "\(none)")
    }

    @Test(arguments: [
        ("ingest: [unclosed", "not valid YAML"),
        ("ingest:\n  pollIntervall: 5s\n", "ingest.pollIntervall"),
        ("ingest:\n  paginationCount: many\n", "ingest.paginationCount"),
        ("cache:\n  enabled: maybe\n", "cache.enabled"),
    ])
    func badConfigurationFileIsOneLineNamingTheKey(_ content: String, _ named: String) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-cli-\(UUID().uuidString.prefix(8)).yaml")
        try content.write(to: file, atomically: true, encoding: .utf8)
        let result = try await CLIEnvironment.offline().run(["status", "--config", file.path])
        #expect(result.status == 2, "\(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.stderr.contains(named), "\(result)")
        let missing = try await CLIEnvironment.offline().run(["user", "--config", "/nonexistent/kiamo.yaml"])
        #expect(missing.status == 2 && missing.errorLines.count == 1 && missing.stderr.contains("/nonexistent/kiamo.yaml"), "\(missing)")
    }

    @Test func aConfigurationFileWithTwoAccountsNeedsAccountToChooseOne() async throws {
        let file = try Self.file(
            """
            service: support-desk
            api:
              baseUrl: http://127.0.0.1:1
            amqp:
              url: amqp://kiamo:s3cret-pw@127.0.0.1:1/
            accounts:
              - userId: 42
                clientId: the-client
                clientSecret: client-s3cret
              - userId: 43
                consumerKey: ck
                consumerSecret: cs-s3cret
                oauthToken: 43-token
                oauthTokenSecret: ts-s3cret
            """)
        let run = { (arguments: [String]) in try await CLIProcess.run(arguments + ["--config", file], environment: [:]) }
        let voidRun = try await run(["test", "--test=00"])
        #expect(voidRun.status == 0, "\(voidRun)")
        #expect(voidRun.stdout.contains("service = support-desk"))
        #expect(voidRun.stdout.contains("accounts[1] = user 43, OAuth 1.0a, secrets ****"))
        #expect(voidRun.stdout.contains("amqp.url = amqp://****@127.0.0.1:1/"))
        for secret in ["s3cret"] { #expect(!voidRun.stdout.contains(secret)) }
        let ambiguous = try await run(["user"])
        #expect(ambiguous.status == 2 && ambiguous.errorLines.count == 1 && ambiguous.stderr.contains("choose one with --account"), "\(ambiguous)")
        let unknown = try await run(["user", "--account", "44"])
        #expect(unknown.status == 2 && unknown.stderr.contains("--account 44 is not a configured account (configured: 42, 43)"), "\(unknown)")
        let chosen = try await run(["request", "me", "--account", "43", "--nonce", "n", "--timestamp", "1"])
        #expect(chosen.status == 0 && chosen.stdout.contains(#"oauth_token="****""#), "\(chosen)")
        let oauth2 = try await run(["request", "me", "--account", "42"])
        #expect(oauth2.status == 0 && oauth2.stdout.contains("Authorization: Bearer ****"), "\(oauth2)")
    }

    @Test func testListNamesEachTestWithItsPurposeInTextAndJSON() async throws {
        let environment = try CLIEnvironment.offline()
        let text = try await environment.run(["test", "--list"])
        #expect(text.status == 0)
        #expect(text.stdout.split(separator: "\n").count == 12)
        #expect(text.stdout.contains("00  void run:") && text.stdout.contains("03  send a message:") && text.stdout.contains("11  activity stream:"))
        let json = try JSONDocument(try await environment.run(["test", "--list", "--json"]).stdout)
        let tests = json.array("tests")
        #expect(tests.map { $0["number"] as? String } == (0...11).map { $0 < 10 ? "0\($0)" : "\($0)" })
        #expect(tests.allSatisfy { ($0["purpose"] as? String)?.isEmpty == false })
    }

    @Test func voidRunPrintsTheMaskedConfigurationAndCallsNothing() async throws {
        let environment = try CLIEnvironment.offline()
        let result = try await environment.run(["test", "--test=00"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasSuffix("OK\n"))
        #expect(result.stdout.contains("accounts[0] = user 1234, OAuth 1.0a, secrets ****"))
        let account = TestAccount()
        for secret in [account.consumerSecret, account.accessTokenSecret, account.accessToken, "guest:guest"] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(secret) printed")
        }
        let json = try JSONDocument(try await environment.run(["test", "--test", "0", "--json"]).stdout)
        #expect(json["ok"] as? Bool == true)
        #expect((json["test"] as? [String: Any])?["number"] as? String == "00")
    }

    @Test func requestIsReproducibleWithAFixedNonceAndTimestampAndShowsNoSecretUnlessAsked() async throws {
        let environment = try CLIEnvironment.offline()
        let arguments = ["request", "listDMEvents", "max_results=50", "--nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "--timestamp", "1318622958"]
        let first = try await environment.run(arguments)
        let second = try await environment.run(arguments)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.hasPrefix("GET http://127.0.0.1:1/2/dm_events?event_types=MessageCreate&"))
        #expect(first.stdout.contains("max_results=50"))
        #expect(first.stdout.contains("oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"****\""))
        let account = TestAccount()
        let signer = OAuth1Signer(
            credentials: OAuth1Credentials(
                consumerKey: account.consumerKey, consumerSecret: account.consumerSecret,
                oauthToken: account.accessToken, oauthTokenSecret: account.accessTokenSecret))
        let url = try #require(first.stdout.split(separator: "\n").first?.dropFirst(4)).description
        let expected = try signer.steps(method: "GET", url: url, timestamp: "1318622958", nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg")
        for secret in [
            account.consumerKey, account.consumerSecret, account.accessToken, account.accessTokenSecret, expected.signature,
            PercentEncoding.encode(expected.signature),
        ] {
            #expect(!first.stdout.contains(secret), "\(secret) printed without --show-secrets")
        }
        let shown = try await environment.run(arguments + ["--show-secrets"])
        #expect(shown.stdout.contains("Authorization: \(expected.authorizationHeader)\n"))
        #expect(shown.stdout.contains("signature base string: \(expected.baseString)\n"))
        #expect(shown.stdout.contains("WARNING: this output holds the account's credentials"))
        #expect(!shown.stdout.contains(account.consumerSecret) && !shown.stdout.contains(account.accessTokenSecret))

        let json = try JSONDocument(try await environment.run(["request", "sendDM", "to=906948460078698496", "text=Hi \"Jane\"", "--json"]).stdout)
        #expect(json["method"] as? String == "POST")
        #expect(json["url"] as? String == "http://127.0.0.1:1/2/dm_conversations/with/906948460078698496/messages")
        #expect(json["body"] as? String == #"{"text":"Hi \"Jane\""}"#)
        #expect(json["secretsShown"] as? Bool == false)
    }

    @Test func requestWithOAuth2ShowsABearerMaskedAndRefusesUnknownOperations() async throws {
        let environment = try CLIEnvironment.offline(oauth2: true)
        let result = try await environment.run(["request", "me"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Authorization: Bearer ****\n"))
        let unknown = try await environment.run(["request", "deleteEverything"])
        #expect(unknown.status == 2 && unknown.errorLines.count == 1 && unknown.stderr.contains("unknown operation"), "\(unknown)")
        let missing = try await environment.run(["request", "sendDM", "to=12"])
        #expect(missing.status == 2 && missing.stderr.contains("needs text="), "\(missing)")
    }

    @Test func mapPrintsTheKiamoMessagesOfSavedV2AndV1Answers() async throws {
        let environment = try CLIEnvironment.offline()
        let v2 = try Self.file(
            """
            {"data":[{"id":"1582838593371127812","event_type":"MessageCreate","text":"Hello","sender_id":"906948460078698496",
            "dm_conversation_id":"906948460078698496-1234","created_at":"2022-10-19T14:17:15.000Z"},
            {"id":"1582838593371127813","event_type":"MessageCreate","text":"Agent reply","sender_id":"1234",
            "dm_conversation_id":"906948460078698496-1234","created_at":"2022-10-19T14:17:16.000Z"}],
            "includes":{"users":[{"id":"906948460078698496","name":"Jane Doe","username":"janedoe"}]},"meta":{"result_count":2}}
            """)
        let result = try await environment.run(["map", "--file", v2, "--json"])
        #expect(result.status == 0, "\(result)")
        let json = try JSONDocument(result.stdout)
        #expect(json["apiVersion"] as? String == "2")
        let message = try #require(json.array("messages").first)
        #expect(json.array("messages").count == 1)
        #expect(message["id"] as? String == "1582838593371127812")
        #expect(message["createdAt"] as? Int == 1_666_189_035)
        #expect(message["senderName"] as? String == "Jane Doe@janedoe")
        #expect(message["content"] as? String == "Hello")
        #expect(json.array("skipped").first?["reason"] as? String == "sent by the account itself")

        let v1 = try Self.file(
            """
            {"events":[{"type":"message_create","id":"1582838593371127812","created_timestamp":"1666189035123",
            "message_create":{"sender_id":"906948460078698496","target":{"recipient_id":"1234"},"message_data":{"text":"Hi"}}}],
            "next_cursor":"0"}
            """)
        let legacy = try await environment.run(["map", "--file", v1])
        #expect(legacy.status == 0, "\(legacy)")
        #expect(legacy.stdout.contains("API v1.1, 1 event(s), 1 Kiamo message(s)"))
        #expect(legacy.stdout.contains(#""conversationId":"906948460078698496-1234""#) || legacy.stdout.contains(#""conversationId":"1234-906948460078698496""#))

        let wrong = try await environment.run(["map", "--file", try Self.file(#"{"hello": "world"}"#)])
        #expect(wrong.status == 2 && wrong.errorLines.count == 1, "\(wrong)")
        let broken = try await environment.run(["map", "--file", try Self.file(#"{"data":[{"id":"abc","text":"x"}]}"#)])
        // One unreadable event is reported and skipped, as ingest does, not a failed file.
        #expect(broken.status == 0 && broken.stdout.contains("skipped abc: cannot be read: data[0].id"), "\(broken)")
    }

    @Test(arguments: [["status"], ["setup"], ["dead-letters", "list"], ["test", "--test=05"]])
    func unreachableBrokerIsOneLineAndExitCode1(_ arguments: [String]) async throws {
        let result = try await CLIEnvironment.offline().run(arguments)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("127.0.0.1:1"), "\(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(!result.stderr.contains("guest:guest"))
    }

    @Test(arguments: [["user"], ["read"], ["send", "--to", "906948460078698496", "--text", "Hi"], ["auth", "check"]])
    func unreachableXIsOneLineAndExitCode1(_ arguments: [String]) async throws {
        let result = try await CLIEnvironment.offline().run(arguments)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix("kiamo-twitter: X API at http://127.0.0.1:1: "), "\(result)")
        #expect(result.errorLines.count == 1, "\(result)")
    }

    @Test func readOnlyStateCommandsLeaveNoStateFileBehind() async throws {
        let environment = try CLIEnvironment.offline()
        let result = try await environment.run(["state", "show"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: environment.stateFile))
    }

    static func file(_ content: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-map-\(UUID().uuidString.prefix(8)).json")
        try content.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}
