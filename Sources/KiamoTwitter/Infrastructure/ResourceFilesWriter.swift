import Foundation
import Logging
import ServiceLifecycle
import SharedState

/// `resources.enabled`: keeps the original connector's resource files (`<service>.json`,
/// `customers.json`, `conversations.json`, `cursors.json`) up to date in `resources.folder`, for
/// people who debugged the PHP sample by reading them. The state store stays the truth; the files
/// are written through `StateDebugExport` (tokens masked, 0600 in a 0700 folder, replaced
/// atomically).
///
/// Cadence: at start, then every `interval` (the poll interval, but at least `minimumInterval`),
/// so a fast poll does not rewrite four files several times a second; once more at shutdown. A
/// failed write is logged and tried again at the next turn: debugging files never stop a worker.
public struct ResourceFilesWriter: Service {
    /// Never more often than this, whatever the poll interval.
    public static let minimumInterval: Duration = .seconds(10)

    let state: any StateExport
    let connector: String
    let folder: URL
    let interval: Duration
    let logger: Logger

    public init(state: any StateExport, configuration: Configuration, logger: Logger) {
        self.state = state
        self.connector = configuration.service
        self.folder = URL(fileURLWithPath: configuration.resources.folder, isDirectory: true)
        self.interval = max(configuration.ingest.pollInterval, Self.minimumInterval)
        self.logger = logger
    }

    public func run() async throws {
        while true {
            await writeOnce()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
        }
        await writeOnce()
    }

    /// One export; a failure is a warning, never an error of the worker.
    func writeOnce() async {
        do {
            try await StateDebugExport.write(try await state.debugSnapshot(), connector: connector, to: folder)
        } catch {
            logger.warning("resource files (resources.folder \(folder.path)) not written: \(error); trying again in \(interval)")
        }
    }
}
