import Foundation
import Logging
import Synchronization
import Testing

@testable import WorkerRuntime

/// A send command's `id` (or any text from outside) holding `\r\n` cannot start a forged line, on
/// standard output or in the daily files: every control character is escaped, in the message and
/// in metadata keys and values.
@Suite("Log lines cannot be forged")
struct LogLineForgingTests {
    /// What a hostile publisher puts in a send command's `id`.
    static let id = "cmd-1\r\n2026-12-02T08:00:00.000Z critical kiamo.dispatch: forged\tline\u{1B}[2J\u{7F}\u{85}\u{2028}end"
    static let forged = "\r\n2026-12-02T08:00:00.000Z critical"

    static func log(with handler: any LogHandler) {
        let logger = Logger(label: "kiamo.dispatch") { _ in handler }
        logger.warning("command \(id) dead-lettered", metadata: ["id": "\(id)", "reason\nkey": "a\rb"])
    }

    static func expectOneSafeLine(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "one event, one line: \(lines)", sourceLocation: sourceLocation)
        for scalar in text.unicodeScalars where scalar != "\n" {
            #expect(
                !(scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || scalar.value == 0x2028),
                "raw control character U+\(String(scalar.value, radix: 16)) in \(text.debugDescription)", sourceLocation: sourceLocation)
        }
        #expect(
            text.contains(#"cmd-1\r\n2026-12-02T08:00:00.000Z critical kiamo.dispatch: forged\tline\x1B[2J\x7F\x85\u{2028}end"#),
            "the escaped id is readable: \(text)", sourceLocation: sourceLocation)
        #expect(text.contains(#"reason\nkey="a\rb""#), "\(text)", sourceLocation: sourceLocation)
    }

    @Test func standardOutputEscapesControlCharactersInMessageAndMetadata() {
        let written = Mutex<[String]>([])
        let sink = LineSink { line in written.withLock { $0.append(line + "\n") } }
        Self.log(with: KiamoLogHandler(label: "kiamo.dispatch", level: .info, sink: sink))
        let text = written.withLock { $0.joined() }
        Self.expectOneSafeLine(text)
        #expect(text.contains(#"id="cmd-1\r\n"#), "\(text)")
    }

    @Test func dailyFilesEscapeControlCharactersInMessageAndMetadata() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-forge-\(UUID().uuidString.prefix(8))").path
        let writer = try DailyFileWriter(folder: folder, service: "kiamo-twitter")
        Self.log(with: DailyFileLogHandler(writer: writer, level: .info))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files.count == 1)
        let text = try String(contentsOfFile: folder + "/" + files[0], encoding: .utf8)
        Self.expectOneSafeLine(text)
        #expect(text.contains("[WARNING]"), "\(text)")
    }

    @Test func plainTextIsKeptAsItIs() {
        #expect(LogEscaping.escaped("Grüße 👋 \"quoted\" C:\\path") == "Grüße 👋 \"quoted\" C:\\path")
        #expect(KiamoLogHandler.quoted("plain") == "plain")
        #expect(KiamoLogHandler.quoted("two words") == "\"two words\"")
        #expect(LogEscaping.escaped("\u{0}\u{1F}") == #"\x00\x1F"#)
    }
}
