import Foundation

/// Makes an answer Foundation's JSON decoder can read when X's is not quite JSON text: invalid
/// UTF-8 bytes become U+FFFD, and so do `\uD800`–`\uDFFF` escapes that are not a valid surrogate
/// pair (X truncates long texts inside an emoji now and then). Used only after a decode failed,
/// so well-formed answers pay nothing; a repaired text loses only the broken characters.
enum JSONRepair {
    /// The repaired bytes, or `nil` when there was nothing to repair.
    static func repaired(_ data: Data) -> Data? {
        var changed = false
        var text = String(decoding: data, as: UTF8.self)
        if Data(text.utf8) != data { changed = true }
        if text.contains("\\u") {
            let fixed = replacingLoneSurrogates(text)
            if fixed != text {
                text = fixed
                changed = true
            }
        }
        return changed ? Data(text.utf8) : nil
    }

    /// Replaces escaped surrogates that do not form a high-then-low pair with `\uFFFD`.
    static func replacingLoneSurrogates(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func escape(at position: Int) -> UInt16? {
            guard position + 5 < scalars.count, scalars[position] == "\\", scalars[position + 1] == "u" else { return nil }
            let hex = String(String.UnicodeScalarView(scalars[(position + 2)...(position + 5)]))
            return UInt16(hex, radix: 16)
        }
        while index < scalars.count {
            if scalars[index] == "\\", index + 1 < scalars.count, scalars[index + 1] == "\\" {
                // An escaped backslash: copy both, so `\\ud800` (literal text) is left alone.
                output.append(scalars[index]); output.append(scalars[index + 1])
                index += 2
                continue
            }
            if let unit = escape(at: index), (0xD800...0xDFFF).contains(unit) {
                if (0xD800...0xDBFF).contains(unit), let low = escape(at: index + 6), (0xDC00...0xDFFF).contains(low) {
                    output.append(contentsOf: scalars[index..<(index + 12)])
                    index += 12
                } else {
                    output.append(contentsOf: "\\ufffd".unicodeScalars)
                    index += 6
                }
                continue
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }
}
