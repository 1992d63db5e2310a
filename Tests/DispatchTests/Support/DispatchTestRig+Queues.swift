import TestSupport
import Testing

extension DispatchTestRig {
    /// Messages (ready and unacknowledged) in each of the rig's queues, read with
    /// `rabbitmqctl list_queues` through `ctl` (the broker the rig runs on).
    func queueDepths(_ ctl: ([String]) async throws -> String) async throws -> [String: Int] {
        let names = Set(topology.queues.map(\.name))
        let listing = try await ctl(["list_queues", "name", "messages", "--quiet", "--no-table-headers"])
        var depths: [String: Int] = [:]
        for line in listing.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, names.contains(String(fields[0])), let count = Int(fields[1]) else { continue }
            depths[String(fields[0])] = count
        }
        return depths
    }

    /// Waits until every queue of the rig is empty, nothing unacknowledged either: every command,
    /// every retry copy, report and dead letter has been settled.
    func waitUntilSettled(
        timeout: Duration = .seconds(60), workers: [RunningProcess],
        _ ctl: ([String]) async throws -> String
    ) async throws {
        try await waitFor("every queue of the rig empty and acknowledged", timeout: timeout, workers: workers) {
            let depths = try await queueDepths(ctl)
            return depths.count == topology.queues.count && depths.values.allSatisfy { $0 == 0 }
        }
    }
}
