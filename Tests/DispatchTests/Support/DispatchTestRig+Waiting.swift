import TestSupport
import Testing

extension DispatchTestRig {
    /// `eventually`, and when it times out, the end of each worker's log in the failure: a
    /// worker test that stalls says why.
    func waitFor(_ what: String, timeout: Duration = .seconds(60), workers: [RunningProcess], _ condition: () async throws -> Bool) async throws {
        do {
            try await eventually(what, timeout: timeout, every: .milliseconds(100), condition)
        } catch {
            for worker in workers {
                Issue.record("\(worker.name) log (end):\n\(worker.output().suffix(4000))")
            }
            throw error
        }
    }
}
