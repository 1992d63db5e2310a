import TestSupport

extension PrivateBroker {
    /// Closes every dispatch worker's broker connection `times` times, `every` apart; returns how
    /// many connections it closed.
    @discardableResult
    func closeWorkerConnections(times: Int, every: Duration, until done: () -> Bool = { false }) async throws -> Int {
        var closed = 0
        for _ in 0..<times where !done() {
            let listing = try await ctl("list_connections", "pid", "client_properties", "--quiet", "--no-table-headers")
            for line in listing.split(separator: "\n") where line.contains("-dispatch@") {
                if let pid = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first,
                    (try? await ctl("close_connection", String(pid), "test: connection churn")) != nil
                {
                    closed += 1
                }
            }
            try await Task.sleep(for: every) // the schedule of the fault
        }
        return closed
    }

}
