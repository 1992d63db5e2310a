import Foundation

/// Unbuffered line output: a line is in the log file the moment the probe has acted on it, which
/// the crash tests rely on (a buffered line would die with a SIGKILL).
enum ProbeOutput {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func json(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
