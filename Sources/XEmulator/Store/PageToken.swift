/// The opaque `pagination_token` / `next_token` / `previous_token` (v2) and `cursor` (v1.1): an
/// anchor event id and a direction, with a check byte, in base32hex as X writes its tokens.
///
/// 11 bytes encode to 18 characters, above the schema's `minLength` of 16. A token that does not
/// decode, or whose check byte is wrong, is refused with the 400 X gives for a bad token.
struct PageToken: Sendable, Equatable {
    enum Direction: UInt8, Sendable {
        /// Events older than the anchor (`next_token`, `next_cursor`).
        case older = 1
        /// Events newer than the anchor (`previous_token`).
        case newer = 2
    }

    var direction: Direction
    var anchor: UInt64

    private static let version: UInt8 = 0x5A
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUV".utf8)

    var encoded: String {
        var bytes: [UInt8] = [Self.version, direction.rawValue]
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: anchor >> UInt64(shift))) }
        bytes.append(Self.check(bytes))
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(Self.alphabet[Int(buffer >> UInt32(bits) & 31)])
            }
        }
        if bits > 0 { output.append(Self.alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    init(direction: Direction, anchor: UInt64) {
        self.direction = direction
        self.anchor = anchor
    }

    /// Decodes a token this emulator issued; `nil` for anything else.
    init?(_ text: String) {
        guard text.utf8.count == 18 else { return nil }
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            guard let value = Self.alphabet.firstIndex(of: character) else { return nil }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        guard bytes.count == 11, bytes[0] == Self.version, let direction = Direction(rawValue: bytes[1]),
            Self.check(Array(bytes[0..<10])) == bytes[10]
        else { return nil }
        var anchor: UInt64 = 0
        for byte in bytes[2..<10] { anchor = anchor << 8 | UInt64(byte) }
        self.direction = direction
        self.anchor = anchor
    }

    private static func check(_ bytes: [UInt8]) -> UInt8 {
        bytes.reduce(UInt8(0x2F)) { ($0 &* 31) &+ $1 }
    }
}
