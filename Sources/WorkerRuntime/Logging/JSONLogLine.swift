import Foundation
import Logging
import OTLPTracing

/// The line `KiamoLogHandler` writes for an event with `logFormat: json`: one JSON object, for log
/// shippers that index fields:
/// `{"time":"2026-11-29T10:00:00.123Z","level":"info","logger":"kiamo.ingest","message":"...","metadata":{...}}`.
///
/// The keys are always those five, in that order (then `trace_id` and `span_id` inside a traced turn) (`metadata` is `{}` when there is none), and
/// nested metadata (arrays, dictionaries) stays nested. Every string is JSON-escaped, so text from
/// outside (a command id holding `\r\n`) never breaks the line: control characters and the Unicode
/// line separators are written as `\uXXXX`. What reaches it is what reaches the text handler:
/// callers never put secrets in metadata and every credential type masks itself.
enum JSONLogLine {
    /// The object for one event, on one line.
    /// With `trace` (an event logged inside a traced turn, `tracing.endpoint` set), two more keys
    /// follow: `trace_id` and `span_id`, as the collector shows them, to go from a line to its trace.
    static func line(
        time: Date, level: Logger.Level, logger: String, message: String, metadata: Logger.Metadata,
        trace: (traceID: String, spanID: String)? = nil
    ) -> String {
        var line =
            "{\"time\":\(quoted(KiamoLogHandler.timestamp(time))),\"level\":\(quoted(level.rawValue)),\"logger\":\(quoted(logger)),"
            + "\"message\":\(quoted(message)),\"metadata\":\(encode(.dictionary(metadata)))"
        if let trace { line += ",\"trace_id\":\(quoted(trace.traceID)),\"span_id\":\(quoted(trace.spanID))" }
        return line + "}"
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

    /// A JSON string (`JSONText`, shared with the trace exporter's bodies).
    static func quoted(_ text: String) -> String {
        JSONText.quoted(text)
    }
}
