import ArgumentParser
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin
import Logging

/// Runs one operation the way every command does: configuration (exit 2 when wrong), a session
/// closed whatever happens, the report printed, any failure as one line and its exit code.
enum CommandRunner {
    static func run<Report: AdminReport>(
        _ options: GlobalOptions,
        _ operation: @Sendable (AdminSession) async throws -> Report
    ) async throws {
        let configuration = try options.loadConfiguration()
        let session = AdminSession(configuration: configuration, logger: Logger(label: "kiamo.cli"))
        let report: Report
        do {
            report = try await operation(session)
        } catch {
            await session.close()
            let failure = AdminError.wrap(error, configuration: configuration)
            Output.error(failure.message)
            throw ExitCode(failure.exitCode)
        }
        await session.close()
        try Output.report(report, json: options.json)
    }
}
