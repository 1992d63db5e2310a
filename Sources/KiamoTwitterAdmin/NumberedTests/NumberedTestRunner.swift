import Foundation
import KiamoTwitter

/// Runs one numbered test through the same operations as the commands, collecting what it did.
/// A failure does not throw: it ends the result with `FAILED: <reason>` (exit code 1).
public struct NumberedTestRunner: Sendable {
    /// What tests 03 and 07 need beyond the configuration.
    public struct Options: Sendable {
        /// `--account`.
        public var account: String?
        /// Test 03: the recipient.
        public var to: String?
        /// Test 03: the text.
        public var text: String?
        /// Test 07: the wait for each message; test 11: the wait for the stream's first bytes.
        public var timeout: Duration

        /// The options given on the command line.
        public init(account: String? = nil, to: String? = nil, text: String? = nil, timeout: Duration = .seconds(60)) {
            self.account = account
            self.to = to
            self.text = text
            self.timeout = timeout
        }
    }

    let session: AdminSession

    /// The operation, through `session` (which opens what it needs on first use).
    public init(session: AdminSession) {
        self.session = session
    }

    /// Runs `test`; never throws (a failure is in the result).
    public func run(_ test: NumberedTest, options: Options, progress: @Sendable (String) -> Void = { _ in }) async -> NumberedTestResult {
        var lines: [String] = []
        do {
            try await steps(of: test, options: options, into: &lines, progress: progress)
            return NumberedTestResult(test: test, steps: lines, ok: true, failure: nil)
        } catch {
            let failure = AdminError.wrap(error, configuration: session.configuration)
            return NumberedTestResult(test: test, steps: lines, ok: false, failure: failure.message, exitCode: failure.exitCode)
        }
    }

    /// Appends what the test did to `lines` as it goes, so a failure still shows the steps before it.
    private func steps(of test: NumberedTest, options: Options, into lines: inout [String], progress: @Sendable (String) -> Void) async throws {
        let configuration = session.configuration
        switch test.number {
        case "00":
            lines += ConfigurationReport.lines(configuration) + ["configuration loaded; nothing called"]
        case "01":
            let account = try await session.account(options.account)
            lines.append("GET users/me as account \(account.userId)")
            let report = try await UserLookup(session: session, account: account).run(.me)
            lines += report.lines
            guard report.isAccount else {
                throw AdminError.failed("users/me is \(report.user.id) (@\(report.user.username)), not the configured account \(account.userId)")
            }
        case "02":
            let account = try await session.account(options.account)
            var report = try await MessageReader(session: session, account: account).run(since: nil, maxPages: 1, commit: false)
            report.showRaw = true
            lines += report.lines
        case "03":
            guard let to = options.to, let text = options.text else { throw AdminError.usage("test 03 needs --to <user id> and --text <text>") }
            let account = try await session.account(options.account)
            lines += try await DirectSend(session: session, account: account).run(to: to, text: text).lines
        case "04":
            let account = try await session.account(options.account)
            lines += try await CredentialCheck(session: session, account: account).run().lines
        case "05":
            let queues = try await StatusProbe(session: session).queues()
            lines.append("connected to \(ConfigurationReport.maskedURL(configuration.amqp.url.reveal()))")
            lines += queues.map { $0.present ? "\($0.name): \($0.messages ?? 0) message(s), \($0.consumers ?? 0) consumer(s)" : "\($0.name): MISSING" }
            let missing = queues.filter { !$0.present }.map(\.name)
            guard missing.isEmpty else {
                throw AdminError.failed("missing queue(s) \(missing.joined(separator: ", ")): run `kiamo-twitter setup`")
            }
        case "06":
            lines += try await StateInspection(session: session).show().lines
        case "07":
            let account = try await session.account(options.account)
            lines += try await EndToEndCheck(session: session, account: account, timeout: options.timeout).run(progress: progress).lines
        case "08":
            let account = try await session.account(options.account)
            lines.append("raw: " + Self.samplePage)
            lines += try SavedResponseMapping.map(
                Data(Self.samplePage.utf8), apiVersion: .v2, accountId: account.userId,
                senderNameTemplate: configuration.ingest.senderNameTemplate, file: "built-in sample"
            ).lines
        case "10":
            try await WebhookCheck(session: session).run { lines.append($0) }
        case "11":
            try await ActivityStreamProbe(session: session, wait: options.timeout).run { line in
                lines.append(line)
                progress(line)
            }
        default:
            let account = try await session.account(options.account)
            lines += try await RequestPreview(configuration: configuration, account: account)
                .build(operationName: "me", parameters: [:], nonce: nil, timestamp: nil, showSecrets: false).lines
        }
    }

    /// An API v2 `GET /2/dm_events` answer holding one customer message and its sender.
    static let samplePage = """
        {"data":[{"id":"1582838593371127812","event_type":"MessageCreate","text":"Hello","sender_id":"906948460078698496",\
        "dm_conversation_id":"906948460078698496-1234","created_at":"2022-10-19T14:17:15.000Z"}],\
        "includes":{"users":[{"id":"906948460078698496","name":"Jane Doe","username":"janedoe"}]},"meta":{"result_count":1}}
        """
}
