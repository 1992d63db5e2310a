import Logging
import Synchronization

/// What `/metrics` refreshes before it renders: gauges read from elsewhere (the state store) at
/// the moment of the scrape. The operations server starts before the state store is open, so the
/// work is installed later; until then a scrape renders what is there.
public final class ScrapeRefresher: Sendable {
    private let work = Mutex<(@Sendable () async throws -> Void)?>(nil)
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    func install(_ refresh: @escaping @Sendable () async throws -> Void) {
        work.withLock { $0 = refresh }
    }

    /// Runs the installed refresh; a failure leaves the gauges as they were (a scrape never fails
    /// for it) and is logged at debug, as the engines already report a state store that fails.
    public func refresh() async {
        guard let refresh = work.withLock({ $0 }) else { return }
        do {
            try await refresh()
        } catch {
            logger.debug("metrics: could not read the state store for the gauges: \(error)")
        }
    }
}
