/// Makes any text safe to put on one log line: every control character becomes visible.
///
/// Why: a send command's `id` or `accountId`, a display name or an error body from X comes from
/// outside and may hold `\n` or `\r`; written raw, it starts a forged line that a reader (or a log
/// shipper) takes for the worker's own. Both handlers pass messages, metadata keys and values
/// through here, so one line per event holds whatever the text.
///
/// `\n`, `\r` and `\t` become those two-character escapes; the other C0 controls, DEL and the C1
/// controls (U+0080...U+009F) become `\xNN`; the Unicode line and paragraph separators become
/// `\u{2028}` and `\u{2029}`. Everything else, other languages and emoji included, is kept.
public enum LogEscaping {
    /// `text` with every control character escaped.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{2028}", "\u{2029}": result += "\\u{\(String(scalar.value, radix: 16))}"
            case _ where needsEscape(scalar): result += "\\x" + hex(scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// True for the characters `escaped` rewrites.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }
}
