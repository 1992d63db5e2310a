import Testing

@testable import MediaStore

@Suite struct MediaKeyTests {
    @Test(arguments: ["1234/1876543210987654321/3_99", "a", "A-b_c/d", String(repeating: "x", count: 64)])
    func aKeyOfPlainSegmentsIsValid(_ text: String) {
        #expect(MediaKey(text)?.description == text)
    }

    /// Nothing that could name a place outside the store, whatever a link's path carries.
    @Test(arguments: [
        "", "/a", "a/", "a//b", "..", "a/../b", ".", "a/./b", "a.b", "%2e%2e", "a\\b", "a b", "é", "a/b/c/d/e",
        String(repeating: "x", count: 65), "a\u{0}b",
    ])
    func aKeyThatCouldLeaveTheStoreIsRefused(_ text: String) {
        #expect(MediaKey(text) == nil)
    }

    @Test func segmentsAreCheckedAsTheTextIs() {
        #expect(MediaKey(segments: ["1234", "55", "3_7"])?.description == "1234/55/3_7")
        #expect(MediaKey(segments: ["1234", ".."]) == nil)
        #expect(MediaKey(segments: []) == nil)
    }
}
