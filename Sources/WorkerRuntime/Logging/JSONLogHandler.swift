import Foundation
import Logging

/// One JSON object per line on standard output (`logFormat: json`), for log shippers that index
/// fields: `{"time":"2026-11-29T10:00:00.123Z","level":"info","logger":"kiamo.ingest","message":"...","metadata":{...}}`.
///
/// The keys are always those five, in that order (`metadata` is `{}` when there is none), and
/// nested metadata (arrays, dictionaries) stays nested. Every string is JSON-escaped, so text from
/// outside (a command id holding `\r\n`) never breaks the line: control characters and the Unicode
/// line separators are written as `\uXXXX`. What reaches it is what reaches the text handler:
/// callers never put secrets in metadata and every credential type masks itself.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: LineSink

    public init(label: String, level: Logger.Level, sink: LineSink = .standardOutput) {
        self.label = label
        self.logLevel = level
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
        sink.write(Self.line(time: Date(), level: event.level, logger: label, message: "\(event.message)", metadata: merged))
    }

    /// The object for one event, on one line.
    static func line(time: Date, level: Logger.Level, logger: String, message: String, metadata: Logger.Metadata) -> String {
        "{\"time\":\(quoted(KiamoLogHandler.timestamp(time))),\"level\":\(quoted(level.rawValue)),\"logger\":\(quoted(logger)),"
            + "\"message\":\(quoted(message)),\"metadata\":\(encode(.dictionary(metadata)))}"
    }

    private static func encode(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .stringConvertible(let convertible): quoted(convertible.description)
        case .array(let values): "[" + values.map(encode).joined(separator: ",") + "]"
        case .dictionary(let values):
            "{" + values.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(encode($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string (RFC 8259): quote, backslash and every control character escaped, and the
    /// Unicode line and paragraph separators too (some readers split lines on them).
    static func quoted(_ text: String) -> String {
        var result = "\""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where LogEscaping.needsEscape(scalar):
                let digits = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
