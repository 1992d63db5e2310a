import Testing

@testable import MediaStore

@Suite struct ByteRangeTests {
    @Test(
        arguments: [
            (nil, 100, ByteRange.whole),
            ("bytes=0-9", 100, .part(0...9)),
            ("bytes=90-", 100, .part(90...99)),
            ("bytes=90-500", 100, .part(90...99)),
            ("bytes=-10", 100, .part(90...99)),
            ("bytes=-500", 100, .part(0...99)),
            ("BYTES=5-5", 100, .part(5...5)),
            ("bytes=100-", 100, .unsatisfiable),
            ("bytes=100-200", 100, .unsatisfiable),
            ("bytes=-0", 100, .unsatisfiable),
            ("bytes=0-", 0, .unsatisfiable),
            ("bytes=0-9,20-29", 100, .whole),
            ("items=0-9", 100, .whole),
            ("bytes=9-0", 100, .whole),
            ("bytes=a-b", 100, .whole),
            ("bytes=-", 100, .whole),
        ] as [(String?, Int, ByteRange)])
    func aRangeHeaderIsReadAsServersDo(_ header: String?, _ size: Int, _ expected: ByteRange) {
        #expect(ByteRange(header: header, size: size) == expected)
    }
}
