import Logging
import SharedState

extension DispatchTestRig {
    /// The workers' send ledger, opened from the test.
    func openState() async throws -> any StateStore {
        var logger = Logger(label: "dispatch.test.state")
        logger.logLevel = .warning
        return try await SQLiteStateStore.open(SQLiteLocation(path: stateFile), logger: logger)
    }
}
