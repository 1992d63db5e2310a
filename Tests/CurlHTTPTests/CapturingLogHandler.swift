import Logging
import Synchronization

/// A `LogHandler` that keeps every message, to check what a client logs (and never logs).
struct CapturingLogHandler: LogHandler {
    /// The messages logged so far, shared by every copy of the handler.
    final class Messages: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    let messages: Messages
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        messages.append("\(event.message) \(fields)")
    }

    /// A logger writing into a fresh `Messages`.
    static func logger() -> (Logger, Messages) {
        let messages = Messages()
        return (Logger(label: "test.http") { _ in CapturingLogHandler(messages: messages) }, messages)
    }
}
