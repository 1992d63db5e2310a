import CurlHTTP
import Foundation
import KiamoTwitter
import TestSupport
import Testing

/// What the people on call see of a running worker: its log lines, `/readyz` and `/metrics`,
/// read from the worker executable run as its own process against the test broker and the
/// emulator, at the log level a deployment runs (`info`).
@Suite struct WorkerOperationsTests {
    /// Swift's description of an enum case with values, `reconnectScheduled(attempt: 6, ...`:
    /// text for the program's authors, not for the person reading the log at night.
    static func hasEnumText(_ line: String) -> Bool { line.firstMatch(of: #/[a-z][A-Za-z]+\([a-z][A-Za-z]*: /#) != nil }

    @Test func aBrokerOutageIsToldInSentencesOneLinePerEvent() async throws {
        let emulator = try await CLIEmulator()
        let service = "ops-\(UUID().uuidString.prefix(8).lowercased())"
        // A user of this test's own, so its permissions can be taken away without touching
        // the other tests' connections to the shared broker.
        let password = "pw-\(UUID().uuidString.prefix(8))"
        try await TestBroker.ctl("add_user", service, password)
        try await TestBroker.ctl("set_permissions", "-p", "/", service, ".*", ".*", ".*")
        defer { Task { try? await TestBroker.ctl("delete_user", service) } }
        let port = try TestBroker.url().split(separator: ":").last?.split(separator: "/").first.map(String.init) ?? ""

        var environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        environment.variables.merge([
            "KIAMO_TWITTER_LOG_LEVEL": "info", "KIAMO_TWITTER_SERVICE": service, "KIAMO_TWITTER_HTTP_HOST": "127.0.0.1",
            "KIAMO_TWITTER_HTTP_PORT": String(try LoopbackHTTPServer.unusedPort()),
            "KIAMO_TWITTER_AMQP_URL": "amqp://\(service):\(password)@127.0.0.1:\(port)/",
        ]) { _, new in new }
        let ingest = try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: "ingest-ops", environment: environment.variables,
            readyLine: "polling as the active ingest process")
        let http = try HTTPClient()
        defer { http.shutdown() }
        let base = try Self.operationsURL(of: ingest)

        // Start-up: each fact once.
        let startup = ingest.lines()
        #expect(
            startup.filter { $0.contains("127.0.0.1:") && !$0.contains("amqp://") }.count == 1,
            "the operations port is announced more than once:\n\(startup.joined(separator: "\n"))")
        #expect(
            startup.filter { $0.lowercased().contains("connected") }.count == 1,
            "the broker connection is announced more than once:\n\(startup.joined(separator: "\n"))")

        // The broker drops the connection and refuses the next attempts (permissions gone).
        let pid = try await eventuallyValue("the worker's connection in rabbitmqctl list_connections") {
            try await Self.brokerPid(of: service)
        }
        let before = ingest.lines().count
        try await TestBroker.ctl("clear_permissions", "-p", "/", service)
        try await TestBroker.ctl("close_connection", pid, "operator test")
        let outage = try await eventuallyValue("/readyz to show the broker failing past attempt 2") { () -> [String: Any]? in
            let body = try await http.execute(HTTPRequest(url: base + "/readyz")).bodyText
            guard let broker = (try JSONDocument(body)["checks"] as? [String: Any])?["broker"] as? [String: Any],
                let detail = broker["detail"] as? String, detail.contains("attempt 3")
            else { return nil }
            return broker
        }
        let detail = outage["detail"] as? String ?? ""
        #expect(outage["ready"] as? Bool == false)
        #expect(!Self.hasEnumText(detail), "/readyz shows Swift enum text: \(detail)")
        #expect(detail.contains("reconnecting in ") && detail.contains(" s (attempt 3)"), "\(detail)")

        try await TestBroker.ctl("set_permissions", "-p", "/", service, ".*", ".*", ".*")
        try await ingest.waitForLine(containing: "reconnected to the broker", timeout: .seconds(60))
        let told = Array(ingest.lines()[before...]).filter { $0.contains("broker") || $0.contains("AMQP") }
        let text = told.joined(separator: "\n")
        #expect(!told.contains(where: Self.hasEnumText), "Swift enum text in the log:\n\(text)")
        #expect(told.filter { $0.contains("connection lost") }.count == 1, "the loss is told once:\n\(text)")
        #expect(told.filter { $0.contains("reconnected") }.count == 1, "the return is told once:\n\(text)")
        let attempts = told.filter { $0.contains("attempt") && $0.contains("failed") }
        #expect(
            !attempts.isEmpty && attempts.allSatisfy { $0.contains("refused") },
            "each failed attempt says why:\n\(text)")
        // One line per event: the loss, each failed attempt, the return; nothing else about it.
        #expect(told.count == 2 + attempts.count, "more than one line per event:\n\(text)")
        #expect(try await http.execute(HTTPRequest(url: base + "/readyz")).status == 200)

        ingest.terminate()
        #expect(try await ingest.waitForExit() == .exited(0))
    }

    @Test func everyMetricFamilyHasHelpAndTheGaugesPeopleAlertOnAreThere() async throws {
        // X's rate limits on (the emulator's default), an OAuth 2.0 account: every gauge has a value.
        let emulator = try await EmulatorProcess.start(arguments: ["--client-secret", TestAccount().clientSecret])
        var environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL, oauth2: true)
        environment.variables.merge([
            "KIAMO_TWITTER_LOG_LEVEL": "info", "KIAMO_TWITTER_HTTP_HOST": "127.0.0.1", "KIAMO_TWITTER_POLL_INTERVAL": "200ms",
            "KIAMO_TWITTER_HTTP_PORT": String(try LoopbackHTTPServer.unusedPort()),
        ]) { _, new in new }
        let ingest = try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: "ingest-metrics", environment: environment.variables,
            readyLine: "polling as the active ingest process")
        let http = try HTTPClient()
        defer { http.shutdown() }
        let base = try Self.operationsURL(of: ingest)
        let account = TestAccount().userId

        let text = try await eventuallyValue("a scrape showing the dm_read budget") { () -> String? in
            let text = try await http.execute(HTTPRequest(url: base + "/metrics")).bodyText
            return text.contains("family=\"dm_read\"") ? text : nil
        }
        let lines = text.split(separator: "\n").map(String.init)
        let families = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(families.count >= 8, "\(text)")
        for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
            let name = line.split(separator: " ")[2]
            let help = index > 0 ? lines[index - 1] : ""
            #expect(help.hasPrefix("# HELP \(name) ") && help.count > "# HELP \(name) ".count + 10, "\(name) has no HELP:\n\(text)")
        }
        func sample(_ prefix: String) -> Double? {
            lines.first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        }
        #expect(sample("kiamo_twitter_build_info{version=\"\(KiamoTwitter.version)\",role=\"ingest\"}") == 1, "\(text)")
        #expect(sample("kiamo_broker_connected ") == 1, "\(text)")
        // The one account's lease, held by the one ingest process (its fair share is every account).
        #expect(sample("kiamo_ingest_leases_held ") == 1, "\(text)")
        let expiry = try #require(sample("kiamo_oauth2_token_expiry_timestamp_seconds{account=\"\(account)\"}"), "\(text)")
        #expect(expiry > Date().timeIntervalSince1970, "the token expires in the future")
        let remaining = try #require(sample("kiamo_x_rate_limit_remaining{account=\"\(account)\",family=\"dm_read\"}"), "\(text)")
        let limit = try #require(sample("kiamo_x_rate_limit_limit{account=\"\(account)\",family=\"dm_read\"}"), "\(text)")
        #expect(remaining > 0 && remaining < limit, "\(remaining) of \(limit)")
        // One style of status label: a word per outcome, never "2xx" beside "503".
        let statuses = lines.compactMap { $0.firstMatch(of: #/status="([^"]*)"/#).map { String($0.output.1) } }
        #expect(!statuses.isEmpty && statuses.allSatisfy { $0.wholeMatch(of: #/[a-z_]+/#) != nil }, "\(statuses)")

        ingest.terminate()
        #expect(try await ingest.waitForExit() == .exited(0))
    }

    /// `http://127.0.0.1:PORT` of the worker's operations server, from its start-up line.
    static func operationsURL(of worker: RunningProcess) throws -> String {
        for line in worker.lines() {
            if let match = line.firstMatch(of: #/http://127\.0\.0\.1:[0-9]+/#) { return String(match.output) }
        }
        throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(worker.name) announced no operations URL:\n\(worker.output())"])
    }

    /// The broker-side pid of the connection whose name starts with `service`.
    static func brokerPid(of service: String) async throws -> String? {
        let listing = try await TestBroker.ctl("list_connections", "pid", "client_properties", "--quiet", "--no-table-headers")
        for line in listing.split(separator: "\n") where line.contains(service) {
            return line.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.map(String.init)
        }
        return nil
    }
}
