/// Splits a reply too long for one DM into ordered parts of at most `limit` Unicode scalars,
/// cutting at white space when there is some in the second half of a part, and never inside a
/// grapheme cluster (an emoji with its modifiers stays whole).
public enum MessageSplitter {
    public static func split(_ text: String, limit: Int) -> [String] {
        guard limit > 0 else { return [text] }
        var parts: [String] = []
        var rest = Substring(text)
        while rest.unicodeScalars.count > limit {
            var end = rest.startIndex
            var scalars = 0
            var lastSpace: String.Index?
            // Walk whole characters until the next one would pass the limit.
            for index in rest.indices {
                let size = rest[index].unicodeScalars.count
                if scalars + size > limit { break }
                scalars += size
                end = rest.index(after: index)
                if rest[index].isWhitespace, scalars > limit / 2 { lastSpace = end }
            }
            if end == rest.startIndex { end = rest.index(after: rest.startIndex) } // one oversized cluster
            let cut = lastSpace ?? end
            let part = rest[..<cut]
            parts.append(String(part.trimmingTrailingWhitespace()))
            rest = rest[cut...].drop { $0.isWhitespace }
        }
        if !rest.isEmpty { parts.append(String(rest)) }
        return parts.filter { !$0.isEmpty }
    }
}

extension Substring {
    fileprivate func trimmingTrailingWhitespace() -> Substring {
        var result = self
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }
}
