/// A JSON string (RFC 8259) for text from outside, written once for the OTLP bodies and the
/// workers' JSON log lines: quote, backslash and every control character escaped (C0, DEL and
/// C1), and the Unicode line and paragraph separators too (some readers split lines on them), so
/// no text can break the line or the document it sits in. Everything else stays as UTF-8.
public enum JSONText {
    public static func append(quoting text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(scalar):
                let digits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    public static func quoted(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2)
        append(quoting: text, to: &out)
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
