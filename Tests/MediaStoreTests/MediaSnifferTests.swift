import Testing

@testable import MediaStore

@Suite struct MediaSnifferTests {
    @Test(
        arguments: [
            ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0], nil, "image/jpeg"),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], "application/octet-stream", "image/png"),
            (Array("GIF89a....".utf8), nil, "image/gif"),
            (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), nil, "image/webp"),
            ([0, 0, 0, 0x18] + Array("ftypmp42".utf8), nil, "video/mp4"),
            ([0, 0, 0, 0x14] + Array("ftypqt  ".utf8), nil, "video/quicktime"),
            // A claim is taken only for a type that is kept, and never over the bytes' own.
            (Array("%PDF-1.7".utf8), "application/pdf", "application/pdf"),
            (Array("<html>".utf8), "text/html", "application/octet-stream"),
            ([0xFF, 0xD8, 0xFF, 0xE0], "text/html", "image/jpeg"),
            (Array("plain".utf8), nil, "application/octet-stream"),
            ([], nil, "application/octet-stream"),
        ] as [([UInt8], String?, String)])
    func aFileIsWhatItsFirstBytesSay(_ bytes: [UInt8], _ declared: String?, _ expected: String) {
        #expect(MediaSniffer.contentType(of: bytes, declared: declared) == expected)
    }
}
