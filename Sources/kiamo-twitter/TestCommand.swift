import ArgumentParser
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter test --test=NN | --list`.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a numbered test, as the original tester's `php <Connector>.php -f --test=NN`.",
        discussion: "Tests:\n" + NumberedTest.all.map { "  \($0.number)  \($0.name): \($0.purpose)" }.joined(separator: "\n")
            + "\n\nEach prints what it did and ends with OK (exit 0) or FAILED: <reason> (exit 1; 2 for missing options)."
    )

    @Option(name: .customLong("test"), help: ArgumentHelp("The test's number (00 to \(NumberedTest.all.last?.number ?? "09")).", valueName: "NN"))
    var number: String?

    @Flag(help: "List the tests with their purpose.")
    var list = false

    @Option(help: ArgumentHelp("Test 03: the recipient's X user id.", valueName: "user-id"))
    var to: String?

    @Option(help: "Test 03: the text to send.")
    var text: String?

    @Option(help: ArgumentHelp("Test 07: seconds to wait for each message; test 11: for the stream's first keep-alive or event.", valueName: "seconds"))
    var timeout: Int = 60

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard list || number != nil else { throw ValidationError("give --test NN (or --list to see the tests)") }
        if let number, NumberedTest.named(number) == nil {
            throw ValidationError("no test \(number); the tests are \(NumberedTest.all.map(\.number).joined(separator: ", ")) (--list)")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        if list {
            try Output.report(TestList(tests: NumberedTest.all), json: options.json)
            return
        }
        guard let number, let test = NumberedTest.named(number) else { return }
        let configuration = try options.loadConfiguration()
        let session = AdminSession(configuration: configuration, logger: .init(label: "kiamo.cli"))
        let runner = NumberedTestRunner(session: session)
        let json = options.json
        // On a terminal, the title first, so the steps shown as they happen sit under it.
        if !json, Output.sameScreen { Output.progress(NumberedTestResult.title(of: test)) }
        let result = await runner.run(test, options: .init(account: options.account, to: to, text: text, timeout: .seconds(timeout))) { line in
            if !json { Output.progress(line) }
        }
        await session.close()
        try Output.report(result, json: options.json)
        if !result.ok {
            Output.error("test \(test.number) failed: \(result.failure ?? "unknown")")
            throw ExitCode(result.exitCode)
        }
    }
}
