import AMQP
import Foundation
import KiamoTwitter

/// The dead letters listed, or replayed.
public struct DeadLetterReport: AdminReport {
    var queue: String
    var action: String
    var letters: [DeadLetter]
    /// Messages left in the queue beyond `--limit` (list).
    var notShown: Int
    var replayed: [DeadLetter]

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        if action == "replay" || action == "dry-run" {
            let head =
                action == "replay"
                ? "replayed \(replayed.count) dead letter(s) from \(queue) to the send routing"
                : "would replay \(replayed.count) dead letter(s) from \(queue) to the send routing (--dry-run: nothing moved)"
            return [head] + replayed.map { "  \($0.id ?? "?") -> send.\($0.account ?? "?")" }
        }
        var lines = ["\(queue): \(letters.count) dead letter(s) shown\(notShown > 0 ? ", \(notShown) more not shown (--limit)" : "") (left in the queue)"]
        for letter in letters {
            lines.append("\(letter.id ?? "?")  account \(letter.account ?? "?")  \(letter.errorCode ?? "no code")  attempts \(letter.attempts.map(String.init) ?? "?")")
            if let message = letter.errorMessage { lines.append("    \(message)") }
            lines.append("    \(letter.body.prefix(300))")
        }
        return lines
    }
}
