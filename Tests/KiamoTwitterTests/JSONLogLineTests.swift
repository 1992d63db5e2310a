import Foundation
import KiamoTwitter
import Logging
import OTLPTracing
import Synchronization
import Testing
import Tracing
import W3CTraceContext

@testable import WorkerRuntime

/// `logFormat: json`: one JSON object per event and line, the five keys a log shipper indexes,
/// text from outside unable to break the line, secrets masked as on the text lines.
@Suite("JSON log lines")
struct JSONLogLineTests {
    /// The lines `body` writes through the standard output handler in `format`.
    static func lines(format: Configuration.LogFormat, level: Logger.Level = .info, _ body: (Logger) -> Void) -> [String] {
        let written = Mutex<[String]>([])
        let sink = LineSink { line in written.withLock { $0.append(line) } }
        let handler = KiamoLogHandler(label: "kiamo.dispatch", level: level, format: format, sink: sink)
        body(Logger(label: "kiamo.dispatch") { _ in handler })
        return written.withLock { $0 }
    }

    static func object(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(value as? [String: Any], "not an object: \(line)", sourceLocation: sourceLocation)
    }

    @Test func eachEventIsOneObjectWithTimeLevelLoggerMessageAndMetadata() throws {
        let lines = Self.lines(format: .json) { logger in
            logger.info("dispatch started", metadata: ["accounts": "1234", "prefetch": "32"])
            logger.debug("below the level: not written")
            logger.error(
                "send failed",
                metadata: [
                    "attempt": .stringConvertible(3), "codes": ["x_unavailable", "rate_limited"],
                    "command": ["id": "cmd-1", "account": "1234"],
                ])
        }
        #expect(lines.count == 2, "\(lines)")
        let first = try Self.object(lines[0])
        #expect(Set(first.keys) == ["time", "level", "logger", "message", "metadata"])
        #expect(first["level"] as? String == "info")
        #expect(first["logger"] as? String == "kiamo.dispatch")
        #expect(first["message"] as? String == "dispatch started")
        #expect(first["metadata"] as? [String: String] == ["accounts": "1234", "prefetch": "32"])
        let time = try #require(first["time"] as? String)
        #expect(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(time).timeIntervalSinceNow > -60, "\(time)")
        #expect(lines[0].hasPrefix(#"{"time":"#), "keys in a fixed order: \(lines[0])")

        let second = try Self.object(lines[1])
        #expect(second["level"] as? String == "error")
        let metadata = try #require(second["metadata"] as? [String: Any])
        #expect(metadata["attempt"] as? String == "3")
        #expect(metadata["codes"] as? [String] == ["x_unavailable", "rate_limited"], "arrays stay arrays")
        #expect(metadata["command"] as? [String: String] == ["id": "cmd-1", "account": "1234"], "dictionaries stay nested")
    }

    @Test func textFromOutsideCannotBreakTheLineAndReadsBackUnchanged() throws {
        let id = LogLineForgingTests.id + " \"quoted\" back\\slash"
        let lines = Self.lines(format: .json) { logger in
            logger.warning("command \(id) dead-lettered", metadata: ["id": "\(id)", "reason\nkey": "a\rb"])
        }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        for scalar in line.unicodeScalars {
            #expect(!LogEscaping.needsEscape(scalar), "raw control character U+\(String(scalar.value, radix: 16)) in \(line.debugDescription)")
        }
        let object = try Self.object(line)
        #expect(object["message"] as? String == "command \(id) dead-lettered", "the reader gets the text back as it was")
        #expect((object["metadata"] as? [String: String])?["id"] == id)
        #expect((object["metadata"] as? [String: String])?["reason\nkey"] == "a\rb")
    }

    @Test func secretsAreMaskedAsOnTextLines() throws {
        let secret = Secret("s3cr3t-token-value")
        let lines = Self.lines(format: .json) { logger in
            logger.info("token \(secret) stored", metadata: ["token": "\(secret)", "nested": ["value": .stringConvertible(secret)]])
        }
        let line = try #require(lines.first)
        #expect(!line.contains("s3cr3t"), "\(line)")
        #expect(try Self.object(line)["message"] as? String == "token **** stored")
    }

    @Test func textStaysTheDefaultAndJsonIsChosenBySettingOrVariable() throws {
        #expect(try ConfigurationLoader(environment: [:]).load().logFormat == .text)
        #expect(try ConfigurationLoader(environment: ["KIAMO_TWITTER_LOG_FORMAT": "json"]).load().logFormat == .json)
        #expect(ConfigurationReport.lines(try ConfigurationLoader(environment: ["KIAMO_TWITTER_LOG_FORMAT": "json"]).load()).contains("logFormat = json"))
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: ["KIAMO_TWITTER_LOG_FORMAT": "yaml"]).load() }
        let text = Self.lines(format: .text) { $0.info("dispatch started") }
        #expect(text.count == 1 && text[0].contains(" info kiamo.dispatch: dispatch started"), "\(text)")
    }
}

extension JSONLogLineTests {
    /// Inside a traced turn, a JSON line names the trace and span, as the collector shows them.
    @Test func aLineLoggedInsideATracedTurnCarriesItsTraceAndSpanIds() throws {
        let trace = TraceContext(traceID: TraceID.random(), spanID: SpanID.random(), flags: .sampled, state: TraceState())
        var context = ServiceContext.topLevel
        context.traceContext = trace
        let lines = ServiceContext.withValue(context) {
            Self.lines(format: .json) { logger in logger.info("posting the reply") }
        }
        let object = try Self.object(try #require(lines.first))
        #expect(object["trace_id"] as? String == trace.traceID.description)
        #expect(object["span_id"] as? String == trace.spanID.description)
        let outside = try Self.object(try #require(Self.lines(format: .json) { logger in logger.info("polling") }.first))
        #expect(outside["trace_id"] == nil)
    }
}
