import Foundation
import KiamoTwitter
import Logging
import OTLPTracing
import Synchronization
import Tracing

/// One line per event on standard output: `2026-11-29T10:00:00.123Z info kiamo.ingest: text key=value`,
/// or with `logFormat: json` one JSON object (`JSONLogLine`).
///
/// Lines are written whole under a lock so concurrent loggers never interleave. Message, metadata
/// keys and values have their control characters escaped (`LogEscaping`), so text from outside
/// (a command id holding `\r\n`) can never start a forged line. Metadata values are otherwise
/// printed as given: callers never put secrets in them (the modules log ids, counts and
/// statuses, and every credential type masks itself).
public struct KiamoLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: Configuration.LogFormat
    private let sink: LineSink

    public init(label: String, level: Logger.Level, format: Configuration.LogFormat = .text, sink: LineSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        switch format {
        case .text:
            var line = "\(Self.timestamp(Date())) \(event.level) \(LogEscaping.escaped(label)): \(LogEscaping.escaped("\(event.message)"))"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                line += " \(LogEscaping.escaped(key))=\(Self.quoted("\(value)"))"
            }
            sink.write(line)
        case .json:
            let trace = ServiceContext.current?.traceContext.map { (traceID: $0.traceID.description, spanID: $0.spanID.description) }
            sink.write(JSONLogLine.line(time: Date(), level: event.level, logger: label, message: "\(event.message)", metadata: merged, trace: trace))
        }
    }

    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    /// A metadata value as one token: control characters escaped (`LogEscaping`), and quoted
    /// when it holds a space, a quote or an escaped character.
    static func quoted(_ value: String) -> String {
        let escaped = LogEscaping.escaped(value)
        guard escaped != value || value.contains(where: { $0 == " " || $0 == "\"" }) else { return value }
        return "\"\(escaped.replacingOccurrences(of: "\"", with: "\\\""))\""
    }
}

/// Where whole log lines go: standard output, or a closure in tests.
public final class LineSink: Sendable {
    private let lock = Mutex(())
    private let writer: @Sendable (String) -> Void

    public init(_ writer: @escaping @Sendable (String) -> Void) { self.writer = writer }

    public static let standardOutput = LineSink { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func write(_ line: String) {
        lock.withLock { _ in writer(line) }
    }
}
