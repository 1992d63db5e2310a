import Foundation
import Synchronization

/// Cuts a streamed body into lines (`\n`, with a `\r` before it dropped) as its pieces arrive,
/// keeping the unfinished end for the next piece. An empty line is a keep-alive. A line longer
/// than `maxLine` is cut there (X's events are a few kilobytes; a runaway line must not grow
/// without bound): its pieces fail to decode and are reported, the stream goes on.
final class LineSplitter: Sendable {
    private let pending = Mutex(Data())
    private let maxLine: Int

    init(maxLine: Int = 4 * 1_048_576) { self.maxLine = maxLine }

    /// The lines `piece` completes.
    func add(_ piece: Data) -> [Data] {
        pending.withLock { pending in
            pending.append(piece)
            var lines: [Data] = []
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = pending[pending.startIndex..<newline]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                lines.append(Data(line))
                pending.removeSubrange(pending.startIndex...newline)
            }
            if pending.count > maxLine {
                lines.append(pending)
                pending = Data()
            }
            return lines
        }
    }
}
