import Foundation
import SharedState

/// Commits batches of `N` consecutive ids with the last as the cursor, from the stored cursor (or
/// `--start`) on, forever; prints `committed ID` after each commit returned. The test kills it
/// mid-stream and checks the file holds exactly a committed batch boundary.
enum CursorProbe {
    static func run(_ arguments: ProbeArguments) async throws {
        let store = try await ProbeStore.open(arguments)
        let account = try arguments.string("account")
        let batch = try arguments.int("batch")
        var cursor = try await store.cursor(account: account).flatMap { Int64($0) } ?? Int64(try arguments.int("start"))
        ProbeOutput.line("resumed \(cursor)")
        while true {
            let ids = (1...Int64(batch)).map { String(cursor + $0) }
            let committed = try await store.commitInbound(account: account, publishedIds: ids, cursor: ids.last)
            guard let committed, let value = Int64(committed), value == cursor + Int64(batch) else {
                throw ProbeArguments.Invalid(reason: "commit returned cursor \(committed ?? "nil") after \(cursor)")
            }
            cursor = value
            ProbeOutput.line("committed \(committed)")
        }
    }
}
