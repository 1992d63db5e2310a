import Foundation
import Logging
import SharedState
import Synchronization

/// The original sample's daily log files: `<folder>/<service>_<YYYYMMDD>.log`, one line per event,
/// `[YYYYMMDD_HHMMSS][LEVEL][method] text`, so integrators who read the PHP connector's logs read
/// these the same way. A new file starts at midnight (UTC). Files are created 0600 in a folder
/// created 0700 (`PrivateFiles`), whatever the umask.
public struct DailyFileLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let writer: DailyFileWriter

    public init(writer: DailyFileWriter, level: Logger.Level) {
        self.writer = writer
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Escaped as on standard output (`LogEscaping`): text from outside never starts a line.
        var text = LogEscaping.escaped("\(event.message)")
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(LogEscaping.escaped(key))=\(KiamoLogHandler.quoted("\(value)"))" }
        let method = LogEscaping.escaped(event.function.split(separator: "(").first.map(String.init) ?? event.function)
        writer.append(level: event.level, method: method, text: text, at: Date())
    }
}

/// Appends lines to the day's file; shared by every logger of the process.
public final class DailyFileWriter: Sendable {
    private let folder: URL
    private let service: String
    private let state = Mutex<(day: String, handle: FileHandle?)>(("", nil))

    public init(folder: String, service: String) throws {
        self.folder = URL(fileURLWithPath: folder, isDirectory: true)
        self.service = service
        try PrivateFiles.createFolder(folder)
    }

    func append(level: Logger.Level, method: String, text: String, at date: Date) {
        let stamp = Self.stamp(date)
        let day = String(stamp.prefix(8))
        let line = "[\(stamp)][\(level.rawValue.uppercased())][\(method)] \(text)\n"
        state.withLock { state in
            if state.day != day || state.handle == nil {
                try? state.handle?.close()
                let url = folder.appendingPathComponent("\(service)_\(day).log")
                // 0600 whatever the umask: lines name customers and conversations.
                _ = try? PrivateFiles.createFile(url.path)
                state.handle = try? FileHandle(forWritingTo: url)
                _ = try? state.handle?.seekToEnd()
                state.day = day
            }
            state.handle?.write(Data(line.utf8))
        }
    }

    /// `YYYYMMDD_HHMMSS` in UTC.
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(c.year ?? 0)\(two(c.month))\(two(c.day))_\(two(c.hour))\(two(c.minute))\(two(c.second))"
    }
}
