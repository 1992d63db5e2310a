import Foundation
import Logging
import SharedState

/// A SQLite state store on a fresh file, with a manual clock.
struct StoreFixture {
    let folder: TemporaryFolder
    let clock: ManualClock
    let store: any StateStore

    static let logger: Logger = {
        var logger = Logger(label: "SharedStateTests")
        logger.logLevel = .critical
        return logger
    }()

    init(options: (inout StateStoreOptions) -> Void = { _ in }) async throws {
        folder = try TemporaryFolder()
        clock = ManualClock()
        var settings = StateStoreOptions(clock: clock)
        options(&settings)
        store = try await openStateStore(url: folder.stateURL(), options: settings, logger: Self.logger)
    }

    /// Another store on the same file (as a second process would open it), with the same clock.
    func reopen(options: (inout StateStoreOptions) -> Void = { _ in }) async throws -> any StateStore {
        var settings = StateStoreOptions(clock: clock)
        options(&settings)
        return try await openStateStore(url: folder.stateURL(), options: settings, logger: Self.logger)
    }
}
