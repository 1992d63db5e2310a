import Foundation
import SharedState

/// Waits for the go file, then opens (creating) the state file at once with its siblings, as
/// workers started together on a new volume do, and prints `opened`.
enum OpenProbe {
    static func run(_ arguments: ProbeArguments) async throws {
        let go = try arguments.string("go")
        ProbeOutput.line("ready")
        while !FileManager.default.fileExists(atPath: go) {
            try await Task.sleep(for: .milliseconds(1))
        }
        _ = try await ProbeStore.open(arguments)
        ProbeOutput.line("opened")
    }
}
