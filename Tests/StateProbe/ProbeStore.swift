import Logging
import SharedState

/// Opens the state the test named, logging to standard error.
enum ProbeStore {
    static func open(_ arguments: ProbeArguments, options: StateStoreOptions = StateStoreOptions()) async throws -> any StateStore {
        var logger = Logger(label: "state-probe")
        logger.logLevel = .warning
        return try await openStateStore(url: try arguments.string("state"), options: options, logger: logger)
    }
}
