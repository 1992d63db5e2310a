import ArgumentParser
import Foundation
import KiamoTwitter

/// Where commands write: reports on standard output (text or one JSON document), errors and
/// progress on standard error.
enum Output {
    static func report(_ report: some AdminReport, json: Bool) throws {
        if json {
            FileHandle.standardOutput.write(try AdminJSON.encode(report) + Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data((report.lines.joined(separator: "\n") + "\n").utf8))
        }
    }

    /// One line on standard error, prefixed with the program's name.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("kiamo-twitter: \(message)\n".utf8))
    }

    /// A progress line on standard error (long operations).
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
}
