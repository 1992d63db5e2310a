import Foundation

/// Small files of each format, with the headers the emulator reads (signature, dimensions) and a
/// body of filler: what a customer's photo or an upload looks like to it.
enum MediaSamples {
    /// A PNG of `width` × `height` (signature, IHDR), `count` bytes long.
    static func png(width: Int = 640, height: Int = 480, count: Int = 300) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += bigEndian(width, 4) + bigEndian(height, 4) + [8, 6, 0, 0, 0]
        return padded(bytes, to: count)
    }

    /// A JPEG of `width` × `height` (SOI, an APP0 segment, SOF0), `count` bytes long.
    static func jpeg(width: Int = 800, height: Int = 600, count: Int = 400) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08] + bigEndian(height, 2) + bigEndian(width, 2) + [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        return padded(bytes, to: count)
    }

    /// A GIF of `width` × `height` (signature, logical screen), `count` bytes long.
    static func gif(width: Int = 320, height: Int = 240, count: Int = 500) -> [UInt8] {
        let bytes = Array("GIF89a".utf8) + [UInt8(width & 0xFF), UInt8(width >> 8), UInt8(height & 0xFF), UInt8(height >> 8), 0, 0, 0]
        return padded(bytes, to: count)
    }

    /// An MP4 (an `ftyp` box), `count` bytes long.
    static func mp4(count: Int = 4096) -> [UInt8] {
        padded([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0] + Array("mp42isom".utf8), to: count)
    }

    /// Bytes of no known format.
    static func garbage(count: Int = 256) -> [UInt8] {
        padded(Array("not a media file".utf8), to: count)
    }

    private static func bigEndian(_ value: Int, _ count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8((value >> ($0 * 8)) & 0xFF) }
    }

    private static func padded(_ bytes: [UInt8], to count: Int) -> [UInt8] {
        bytes + (0..<max(0, count - bytes.count)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    }
}
