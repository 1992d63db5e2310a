import Foundation

/// Rules X applies to the text of a Direct Message, as pure functions.
enum DMText {
    /// X's limit on a DM's text.
    static let maximumLength = 10_000

    /// The length X checks against `maximumLength`: Unicode scalars (code points) of the text after
    /// NFC normalization, the way X's text library counts. An emoji with a skin-tone modifier
    /// counts 2; an `e` followed by a combining accent counts 1 (it composes to `é`).
    static func length(_ text: String) -> Int {
        text.precomposedStringWithCanonicalMapping.unicodeScalars.count
    }

    /// Hashtags, cashtags, mentions and URLs found in a text, with offsets in Unicode scalars
    /// (start inclusive, end exclusive), as both the v2 `entities` and the v1.1 `indices` give them.
    struct Entities: Sendable, Equatable {
        struct Tag: Sendable, Equatable {
            var start: Int
            var end: Int
            var text: String
        }
        var hashtags: [Tag] = []
        var cashtags: [Tag] = []
        var mentions: [Tag] = []
        var urls: [Tag] = []

        var isEmpty: Bool { hashtags.isEmpty && cashtags.isEmpty && mentions.isEmpty && urls.isEmpty }
    }

    static func entities(_ text: String) -> Entities {
        var result = Entities()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)))
        }
        func atBoundary(_ position: Int) -> Bool {
            position == 0 || !isWord(scalars[position - 1])
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if (scalar == "#" || scalar == "$" || scalar == "@") && atBoundary(index) {
                var end = index + 1
                while end < scalars.count, isWord(scalars[end]) { end += 1 }
                let body = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
                let tag = Entities.Tag(start: index, end: end, text: body)
                switch scalar {
                case "#" where !body.isEmpty && body.contains(where: \.isLetter): result.hashtags.append(tag)
                case "$" where (1...6).contains(body.count) && body.allSatisfy(\.isLetter): result.cashtags.append(tag)
                case "@" where (1...15).contains(body.count): result.mentions.append(tag)
                default: break
                }
                index = max(end, index + 1)
                continue
            }
            if scalar == "h", atBoundary(index) {
                let rest = String(String.UnicodeScalarView(scalars[index..<min(scalars.count, index + 8)]))
                if rest.hasPrefix("https://") || rest.hasPrefix("http://") {
                    var end = index
                    while end < scalars.count, !CharacterSet.whitespacesAndNewlines.contains(scalars[end]) { end += 1 }
                    let url = String(String.UnicodeScalarView(scalars[index..<end]))
                    result.urls.append(Entities.Tag(start: index, end: end, text: url))
                    index = end
                    continue
                }
            }
            index += 1
        }
        return result
    }
}
