import Foundation

/// Runs one numbered test through the same operations as the commands, collecting what it did.
/// A failure does not throw: it ends the result with `FAILED: <reason>` (exit code 1).
public struct NumberedTestRunner: Sendable {
    /// What tests 03 and 07 need beyond the configuration.
    public struct Options: Sendable {
        public var account: String?
        public var to: String?
        public var text: String?
        public var timeout: Duration

        public init(account: String? = nil, to: String? = nil, text: String? = nil, timeout: Duration = .seconds(60)) {
            self.account = account
            self.to = to
            self.text = text
            self.timeout = timeout
        }
    }

    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    public func run(_ test: NumberedTest, options: Options, progress: @Sendable (String) -> Void = { _ in }) async -> NumberedTestResult {
        do {
            let lines = try await steps(of: test, options: options, progress: progress)
            return NumberedTestResult(test: test, steps: lines, ok: true, failure: nil)
        } catch {
            let failure = AdminError.wrap(error, configuration: session.configuration)
            return NumberedTestResult(test: test, steps: [], ok: false, failure: failure.message, exitCode: failure.exitCode)
        }
    }

    private func steps(of test: NumberedTest, options: Options, progress: @Sendable (String) -> Void) async throws -> [String] {
        let configuration = session.configuration
        switch test.number {
        case "00":
            return ConfigurationReport.lines(configuration) + ["configuration loaded; nothing called"]
        case "01":
            let account = try await session.account(options.account)
            let report = try await UserLookup(session: session, account: account).run(.me)
            guard report.isAccount else {
                throw AdminError.failed("users/me is \(report.user.id) (@\(report.user.username)), not the configured account \(account.userId)")
            }
            return ["GET users/me as account \(account.userId)"] + report.lines
        case "02":
            let account = try await session.account(options.account)
            let report = try await MessageReader(session: session, account: account).run(since: nil, maxPages: 1, commit: false)
            var shown = report
            shown.showRaw = true
            return shown.lines
        case "03":
            guard let to = options.to, let text = options.text else { throw AdminError.usage("test 03 needs --to <user id> and --text <text>") }
            let account = try await session.account(options.account)
            return try await DirectSend(session: session, account: account).run(to: to, text: text).lines
        case "04":
            let account = try await session.account(options.account)
            return try await CredentialCheck(session: session, account: account).run().lines
        case "05":
            let probe = StatusProbe(session: session)
            let queues = try await probe.queues()
            let lines = ["connected to \(ConfigurationReport.maskedURL(configuration.amqp.url.reveal()))"]
                + queues.map { $0.present ? "\($0.name): \($0.messages ?? 0) message(s), \($0.consumers ?? 0) consumer(s)" : "\($0.name): MISSING" }
            let missing = queues.filter { !$0.present }.map(\.name)
            guard missing.isEmpty else {
                throw AdminError.failed("missing queue(s) \(missing.joined(separator: ", ")): run `kiamo-twitter setup`")
            }
            return lines
        case "06":
            return try await StateInspection(session: session).show().lines
        case "07":
            let account = try await session.account(options.account)
            return try await EndToEndCheck(session: session, account: account, timeout: options.timeout).run(progress: progress).lines
        case "08":
            let account = try await session.account(options.account)
            let report = try SavedResponseMapping.map(Data(Self.samplePage.utf8), apiVersion: .v2, accountId: account.userId,
                                                      senderNameTemplate: configuration.ingest.senderNameTemplate, file: "built-in sample")
            return ["raw: " + Self.samplePage] + report.lines
        default:
            let account = try await session.account(options.account)
            let report = try await RequestPreview(configuration: configuration, account: account)
                .build(operationName: "me", parameters: [:], nonce: nil, timestamp: nil, showSecrets: false)
            return report.lines
        }
    }

    /// An API v2 `GET /2/dm_events` answer holding one customer message and its sender.
    static let samplePage = """
        {"data":[{"id":"1582838593371127812","event_type":"MessageCreate","text":"Hello","sender_id":"906948460078698496",\
        "dm_conversation_id":"906948460078698496-1234","created_at":"2022-10-19T14:17:15.000Z"}],\
        "includes":{"users":[{"id":"906948460078698496","name":"Jane Doe","username":"janedoe"}]},"meta":{"result_count":1}}
        """
}

/// How a numbered test went.
public struct NumberedTestResult: AdminReport {
    public var test: NumberedTest
    public var steps: [String]
    public var ok: Bool
    public var failure: String?
    /// 0, or the failure's exit code (1, or 2 for a test given wrong options).
    public var exitCode: Int32 = 0

    private enum CodingKeys: String, CodingKey { case test, steps, ok, failure }

    public var lines: [String] {
        ["test \(test.number): \(test.name) (\(test.purpose))"] + steps + [ok ? "OK" : "FAILED: \(failure ?? "unknown")"]
    }
}
