import Testing

@testable import CurlHTTP

/// URLs are checked with libcurl's own parser before anything is sent.
@Suite struct RequestTargetTests {
    @Test func aGoodURLGivesSchemeHostPortAndPath() throws {
        let https = try RequestTarget(validating: "https://api.x.com/2/dm_events?max_results=100")
        #expect(https.scheme == "https")
        #expect(https.host == "api.x.com")
        #expect(https.port == 443)
        #expect(https.path == "/2/dm_events")
        #expect(https.endpoint == "api.x.com:443")

        let http = try RequestTarget(validating: "HTTP://127.0.0.1:8080")
        #expect(http.scheme == "http")
        #expect(http.port == 8080)
        #expect(http.path == "/")

        let v6 = try RequestTarget(validating: "http://[::1]:9000/x")
        #expect(v6.host == "::1")
        #expect(v6.endpoint == "[::1]:9000")
    }

    @Test(arguments: ["", "api.x.com/2/users/me", "mailto:a@b.c", "file:///etc/passwd", "http://", "http://a b/", "https://h:0x/"])
    func aBadURLIsRefused(url: String) {
        #expect {
            try RequestTarget(validating: url)
        } throws: { error in
            guard case .invalidURL = error as? HTTPClientError else { return false }
            return true
        }
    }

    @Test func redactionKeepsWhatLocatesTheMistakeAndDropsSecrets() {
        #expect(RequestTarget.redacted("https://user:pw@api.x.com/2/x?token=abc#frag") == "\"https://****@api.x.com/2/x\"")
        // A password holding `?`, `#`, `/` or `@` raw: masked whole, never cut into a "query".
        for url in ["https://u:pa#ss@api.x.com/", "https://u:pa?ss@api.x.com/", "https://u:pa/ss@api.x.com/", "https://u:p@a:ss@api.x.com/"] {
            #expect(RequestTarget.redacted(url) == "\"https://****@api.x.com/\"", "\(url)")
        }
        #expect(RequestTarget.redacted("http://exa mple.com/") == "\"http://exa\u{FFFD}mple.com/\"")
        #expect(RequestTarget.redacted(String(repeating: "a", count: 300)).count == 125)
        #expect(
            RequestTarget.redactingQueries(in: "Issue another request to this URL: 'http://h/p?code=1' now")
                == "Issue another request to this URL: 'http://h/p?…' now")
    }
}
