import Testing

@testable import CurlHTTP

/// Header lines as libcurl's header callback hands them over, one per call.
@Suite struct ResponseHeaderParserTests {
    private func parse(_ lines: [String]) -> HTTPHeaders {
        var parser = ResponseHeaderParser()
        for line in lines { parser.consume(line: line) }
        return parser.headers
    }

    @Test func onlyTheFinalResponseFieldsRemain() {
        let headers = parse([
            "HTTP/1.1 100 Continue\r\n", "X-Interim: 1\r\n", "\r\n",
            "HTTP/1.1 302 Found\r\n", "Location: /next\r\n", "\r\n",
            "HTTP/2 200\r\n", "content-type: application/json\r\n", "x-rate-limit-remaining: 12\r\n", "\r\n",
        ])
        #expect(headers.count == 2)
        #expect(headers["Content-Type"] == "application/json")
        #expect(headers["X-Rate-Limit-Remaining"] == "12")
        #expect(headers["Location"] == nil)
        #expect(headers["X-Interim"] == nil)
    }

    @Test func repeatedNamesFoldedLinesAndTrailersAreKept() {
        let headers = parse([
            "HTTP/1.1 200 OK\r\n",
            "Set-Cookie: a=1\r\n", "set-cookie: b=2\r\n",
            "X-Long: first\r\n", "\t second\r\n",
            "X-Spaces:   padded  \r\n",
            "not a field\r\n",
            "\r\n",
            "X-Trailer: checksum\r\n", "\r\n",
        ])
        #expect(headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
        #expect(headers["x-long"] == "first second")
        #expect(headers["X-Spaces"] == "padded")
        #expect(headers["X-Trailer"] == "checksum")
        #expect(headers.count == 5)
    }
}
