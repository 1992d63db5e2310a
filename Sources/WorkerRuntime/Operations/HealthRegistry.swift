import Foundation
import Synchronization

/// What `/healthz` and `/readyz` answer, fed by the parts of a worker.
///
/// Each part registers a named check and updates it: the broker connection, the state store, X
/// (credentials accepted, reachable). Ready means every check passes; healthy (alive) means no
/// check reported a condition a restart would fix.
public final class HealthRegistry: Sendable {
    public struct Check: Sendable, Codable, Equatable {
        public var ready: Bool
        /// False when only a restart helps (the process should be restarted by its supervisor).
        public var alive: Bool
        public var detail: String
        public var since: Date
    }

    private let checks = Mutex<[String: Check]>([:])

    public init() {}

    /// Sets a check; `since` changes only when readiness flips.
    public func update(_ name: String, ready: Bool, alive: Bool = true, detail: String) {
        checks.withLock { checks in
            let since = checks[name].flatMap { $0.ready == ready ? $0.since : nil } ?? Date()
            checks[name] = Check(ready: ready, alive: alive, detail: detail, since: since)
        }
    }

    public var snapshot: [String: Check] { checks.withLock { $0 } }

    public var isReady: Bool { checks.withLock { !$0.isEmpty && $0.values.allSatisfy(\.ready) } }
    public var isAlive: Bool { checks.withLock { $0.values.allSatisfy(\.alive) } }
}
