import ArgumentParser
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Where commands write: reports on standard output (text or one JSON document), errors and
/// progress on standard error.
///
/// Progress lines are the steps of a long command as they happen; the text report repeats them
/// for a script reading standard output. On a terminal both streams land on one screen, so the
/// report leaves out the lines the progress already showed: each step is read once.
enum Output {
    /// Progress lines shown so far on standard error.
    private static let shown = Mutex<[String]>([])

    static func report(_ report: some AdminReport, json: Bool) throws {
        if json {
            FileHandle.standardOutput.write(try AdminJSON.encode(report) + Data("\n".utf8))
        } else {
            let lines = sameScreen ? unseen(report.lines, shown: shown.withLock { $0 }) : report.lines
            guard !lines.isEmpty else { return }
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }

    /// Standard output and error are both terminals: what one shows, the other need not repeat.
    static var sameScreen: Bool { isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 }

    /// `lines` without one occurrence of each line in `shown` (a step shown twice is left out
    /// twice, a line repeated in the report beyond that stays).
    static func unseen(_ lines: [String], shown: [String]) -> [String] {
        var left = Dictionary(shown.map { ($0, 1) }, uniquingKeysWith: +)
        return lines.filter { line in
            guard let count = left[line], count > 0 else { return true }
            left[line] = count - 1
            return false
        }
    }

    /// One line on standard error, prefixed with the program's name.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("kiamo-twitter: \(message)\n".utf8))
    }

    /// A progress line on standard error (long operations).
    static func progress(_ line: String) {
        shown.withLock { $0.append(line) }
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
}
