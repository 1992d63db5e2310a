/// The name of a stored object: one to four segments of letters, digits, `_` and `-` (at most
/// 64 characters each), joined by `/`, e.g. `1234/1876543210987654321/3_99`.
///
/// Nothing else passes, so a key never names a place outside the store: no `.` or `..`, no
/// empty segment, no leading `/`, no percent-escape, whatever a link's path carries.
public struct MediaKey: Sendable, Hashable, CustomStringConvertible {
    /// The segments, each checked.
    public let segments: [String]

    /// The key `text` names, or nil when `text` is not a valid key.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count), parts.allSatisfy({ Self.isValidSegment($0) }) else { return nil }
        segments = parts.map(String.init)
    }

    /// The key made of `segments`, or nil when one is not a valid segment.
    public init?(segments: [String]) {
        guard (1...4).contains(segments.count), segments.allSatisfy({ Self.isValidSegment(Substring($0)) }) else { return nil }
        self.segments = segments
    }

    public var description: String { segments.joined(separator: "/") }

    static func isValidSegment(_ segment: Substring) -> Bool {
        guard (1...64).contains(segment.utf8.count) else { return false }
        return segment.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }
}
