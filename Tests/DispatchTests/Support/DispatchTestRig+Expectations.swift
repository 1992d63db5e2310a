import TestSupport
import Testing

extension DispatchTestRig {
    /// A command as the tests publish it.
    typealias Command = (id: String, recipient: String, text: String)

    /// The ids of the commands reported `sent` so far.
    var sentReportIds: Set<String> { Set(reports.filter { $0.status == .sent }.map(\.commandId)) }

    /// Waits until every command of `commands` has a `sent` report.
    func waitForEverySentReport(_ commands: [Command], timeout: Duration = .seconds(60), workers: [RunningProcess]) async throws {
        try await waitFor("a sent report for each of \(commands.count) commands", timeout: timeout, workers: workers) {
            sentReportIds.count >= Set(commands.map(\.id)).count
        }
    }

    /// Every command of `commands` is one DM (none lost, none twice), and nothing was dead-lettered.
    func expectEachPostedOnce(_ commands: [Command], sourceLocation: SourceLocation = #_sourceLocation) {
        let posts = postsByText()
        #expect(
            posts.count == Set(commands.map(\.text)).count, "commands without a DM: \(Set(commands.map(\.text)).subtracting(posts.keys).sorted().prefix(10))",
            sourceLocation: sourceLocation)
        #expect(
            posts.values.allSatisfy { $0 == 1 }, "DMs posted twice: \(posts.filter { $0.value > 1 }.keys.sorted().prefix(10))",
            sourceLocation: sourceLocation)
        #expect(deadLetters.isEmpty, "\(deadLetters.count) dead letters", sourceLocation: sourceLocation)
    }

    /// SIGTERM, then an exit with status 0 within 10 s.
    func expectGracefulStop(_ worker: RunningProcess, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(10)) == .exited(0), "\(worker.name)", sourceLocation: sourceLocation)
    }
}
