import InMemoryLogging
import Logging

/// A logger at trace level whose lines a test reads (swift-log's `InMemoryLogHandler`), to check
/// what a component logs and never logs: each line `level message key=value ...`, keys sorted.
public struct LogCapture: Sendable {
    public let logger: Logger
    private let handler: InMemoryLogHandler

    public init(label: String = "test") {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        self.handler = handler
        logger = Logger(label: label) { _ in handler }
    }

    /// Every line logged so far, oldest first.
    public var lines: [String] {
        handler.entries.map { entry in
            let fields = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(entry.level) \(entry.message) \(fields)"
        }
    }
}
