import Foundation

/// What a `Range` request header asks of content of a known length (RFC 9110 §14). The emulator
/// serves one range of bytes; a header it does not take (another unit, several ranges, a syntax
/// error) is ignored and the whole content served, as RFC 9110 lets a server do.
enum ByteRange: Sendable, Equatable {
    /// No usable header: 200 with every byte.
    case whole
    /// 206 with these bytes and `Content-Range: bytes first-last/length`.
    case partial(Range<Int>)
    /// 416 with `Content-Range: bytes */length`: the range holds none of the content's bytes.
    case unsatisfiable

    /// The answer to `header` (the `Range` field's value, `nil` when absent) over `length` bytes.
    static func resolve(_ header: String?, length: Int) -> ByteRange {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst(6)
        guard !spec.contains(",") else { return .whole }
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard bounds.count == 2 else { return .whole }
        if bounds[0].isEmpty {
            // `bytes=-N`: the last N bytes.
            guard let suffix = number(bounds[1]) else { return .whole }
            guard suffix > 0, length > 0 else { return .unsatisfiable }
            return .partial(max(0, length - suffix)..<length)
        }
        guard let first = number(bounds[0]) else { return .whole }
        var last = length - 1
        if !bounds[1].isEmpty {
            guard let given = number(bounds[1]), given >= first else { return .whole }
            last = min(given, length - 1)
        }
        guard first < length else { return .unsatisfiable }
        return .partial(first..<last + 1)
    }

    /// Digits as a number; a number too large for `Int` is `Int.max` (past any content's end).
    private static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text) ?? Int.max
    }
}
