import Testing

@testable import XAPI

@Suite struct XDMMediaReferenceTests {
    @Test func theDownloadPathAndTheLegacyTonURLBothGiveTheTriple() {
        let v2 = XDMMediaReference(mediaURL: "https://api.x.com/2/dm_conversations/media/1876/99/AbCd1234.jpg", dmId: "1876")
        #expect(v2 == XDMMediaReference(dmId: "1876", mediaId: "99", resourceId: "AbCd1234.jpg"))
        #expect(v2?.path == "/2/dm_conversations/media/1876/99/AbCd1234.jpg")
        let ton = XDMMediaReference(mediaURL: "https://ton.twitter.com/1.1/ton/data/dm/1876/99/AbCd1234.jpg?format=jpg", dmId: "1876")
        #expect(ton == v2)
    }

    /// A URL in a message must not make the worker fetch another DM's media, or another path,
    /// with the account's credentials.
    @Test(arguments: [
        "https://api.x.com/2/dm_conversations/media/1877/99/AbCd.jpg",
        "https://pbs.twimg.com/media/AbCd.jpg",
        "https://api.x.com/2/dm_conversations/media/1876/99",
        "https://api.x.com/2/dm_conversations/media/1876/99/a/b",
        "https://api.x.com/2/dm_conversations/media/1876/../users/me",
        "https://api.x.com/2/dm_conversations/media/1876/99/%2e%2e",
        "https://api.x.com/2/dm_conversations/media/1876//AbCd.jpg",
        "",
    ])
    func anythingElseIsNoReference(_ url: String) {
        #expect(XDMMediaReference(mediaURL: url, dmId: "1876") == nil)
    }
}
