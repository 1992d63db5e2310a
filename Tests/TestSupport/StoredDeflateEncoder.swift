import Foundation

/// Wraps bytes in the gzip (RFC 1952) or zlib (RFC 1950) format using deflate's "stored" blocks
/// (RFC 1951 §3.2.4): valid streams any inflater must decode, built without a zlib binding. The
/// bytes are not made smaller; what the tests check is the client's decoding.
public enum StoredDeflateEncoder {
    /// `data` as a gzip member, for `Content-Encoding: gzip`.
    public static func gzip(_ data: Data) -> Data {
        var output = Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]) // magic, deflate, no flags, no mtime, unknown OS
        output.append(storedBlocks(data))
        output.append(littleEndian(crc32(data)))
        output.append(littleEndian(UInt32(truncatingIfNeeded: data.count)))
        return output
    }

    /// `data` as a zlib stream, which is what HTTP's `Content-Encoding: deflate` means.
    public static func zlib(_ data: Data) -> Data {
        var output = Data([0x78, 0x01]) // deflate, 32 KiB window, no dictionary, check bits
        output.append(storedBlocks(data))
        output.append(contentsOf: withUnsafeBytes(of: adler32(data).bigEndian, Array.init))
        return output
    }

    private static func storedBlocks(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var output = Data()
        var offset = 0
        repeat {
            let count = min(65_535, bytes.count - offset)
            let isLast = offset + count == bytes.count
            output.append(isLast ? 0x01 : 0x00) // BFINAL, BTYPE 00 (stored), aligned
            output.append(littleEndian(UInt16(count)))
            output.append(littleEndian(~UInt16(count)))
            output.append(contentsOf: bytes[offset..<offset + count])
            offset += count
        } while offset < bytes.count
        return output
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> Data {
        withUnsafeBytes(of: value.littleEndian) { Data($0) }
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    static func adler32(_ data: Data) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
