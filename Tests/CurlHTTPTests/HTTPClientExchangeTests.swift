import CurlHTTP
import Foundation
import TestSupport
import Testing

/// What goes over the wire and comes back: methods, headers, bodies, encodings, limits, redirects.
@Suite struct HTTPClientExchangeTests {
    @Test func responseHeadersAreLookedUpCaseInsensitivelyWithRepeatedNamesKept() async throws {
        let recorder = RequestRecorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return .respond(
                LoopbackHTTPServer.Response(
                    status: 404,
                    headers: ["X-Rate-Limit-Remaining": "299", "Link": "<a>", "link": "<b>", "X-Empty": ""],
                    body: Data("missing".utf8)
                ))
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let response = try await client.execute(
            HTTPRequest(
                url: server.url("/headers?x=1"), headers: ["Authorization": "Bearer t0k3n", "X-Custom": "yes", "X-Blank": ""]
            ))

        // A 404 is a response, not an error.
        #expect(response.status == 404)
        #expect(response.bodyText == "missing")
        #expect(response.headers["x-rate-limit-remaining"] == "299")
        #expect(response.headers["X-RATE-LIMIT-REMAINING"] == "299")
        #expect(response.headers.values(for: "LINK") == ["<a>", "<b>"])
        #expect(response.headers["x-empty"] == "")
        #expect(response.headers["Content-Length"] == "7")

        let sent = try #require(recorder.all.first)
        #expect(sent.method == "GET")
        #expect(sent.target == "/headers?x=1")
        #expect(sent.headers["authorization"] == "Bearer t0k3n")
        #expect(sent.headers["x-custom"] == "yes")
        #expect(sent.headers["X-Blank"] == "")
        #expect(sent.headers["User-Agent"] == "kiamo-twitter")
        #expect(sent.headers["Expect"] == nil)
    }

    @Test func aPostBodyIsSentAsGivenAndEchoed() async throws {
        let recorder = RequestRecorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return .respond(LoopbackHTTPServer.Response(status: 201, headers: ["Content-Type": "application/octet-stream"], body: request.body))
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        // Binary, with NUL bytes, and large enough that curl would ask for 100-continue by default.
        let body = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let response = try await client.execute(
            HTTPRequest(
                method: .post, url: server.url("/2/dm_conversations/with/42/messages"),
                headers: ["Content-Type": "application/json"], body: body
            ))

        #expect(response.status == 201)
        #expect(response.body == body)
        let sent = try #require(recorder.all.first)
        #expect(sent.method == "POST")
        #expect(sent.headers["Content-Type"] == "application/json")
        #expect(sent.headers["Content-Length"] == "200000")
        #expect(sent.headers["Expect"] == nil)
    }

    @Test func aBodyIsSentChunkedWhenTheHeadersAskForIt() async throws {
        let recorder = RequestRecorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return .respond(.text(request.bodyText))
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let text = String(repeating: "chunk ", count: 10_000)
        let response = try await client.execute(
            HTTPRequest(
                method: .post, url: server.url("/chunked-upload"),
                headers: ["Transfer-Encoding": "chunked", "Content-Type": "text/plain"], body: Data(text.utf8)
            ))
        #expect(response.bodyText == text)
        let sent = try #require(recorder.all.first)
        #expect(sent.headers["Transfer-Encoding"] == "chunked")
        #expect(sent.headers["Content-Length"] == nil)
    }

    @Test func methodsWithoutABodySendExactlyWhatWasAsked() async throws {
        let recorder = RequestRecorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return .respond(.text("ok"))
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let put = try await client.execute(HTTPRequest(method: .put, url: server.url("/put")))
        let delete = try await client.execute(HTTPRequest(method: .delete, url: server.url("/delete")))
        let head = try await client.execute(HTTPRequest(method: .head, url: server.url("/head")))

        #expect(put.status == 200 && delete.status == 200 && head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["Content-Length"] == "2")
        let sent = recorder.all
        #expect(sent.map(\.method) == ["PUT", "DELETE", "HEAD"])
        // An empty PUT says so, and carries no Content-Type libcurl would have made up.
        #expect(sent[0].headers["Content-Length"] == "0")
        #expect(sent[0].headers["Content-Type"] == nil)
        #expect(sent[1].headers["Content-Length"] == nil)
    }

    @Test func gzipAndDeflateBodiesAreInflatedWhateverTheFraming() async throws {
        let text = String(repeating: "Direct Messages to Kiamo agents. ", count: 5_000)
        let recorder = RequestRecorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            let coding: LoopbackHTTPServer.Response.Coding = request.path == "/gzip" ? .gzip : .deflate
            let framing: LoopbackHTTPServer.Response.Framing = request.query == "chunked" ? .chunked(chunkSize: 4_000) : .contentLength
            return .respond(LoopbackHTTPServer.Response(body: Data(text.utf8), framing: framing, coding: coding))
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        for target in ["/gzip", "/gzip?chunked", "/deflate", "/deflate?chunked"] {
            let response = try await client.execute(HTTPRequest(url: server.url(target)))
            #expect(response.bodyText == text, "\(target)")
        }
        let offered = try #require(recorder.all.first?.headers["Accept-Encoding"])
        #expect(offered.contains("gzip"))
        #expect(offered.contains("deflate"))
    }

    @Test func aBodyOverTheSizeLimitFailsWithTooLarge() async throws {
        let server = try LoopbackHTTPServer { request in
            let body = Data(repeating: 0x61, count: 5_000)
            switch request.path {
            case "/declared": return .respond(LoopbackHTTPServer.Response(body: body))
            case "/chunked": return .respond(LoopbackHTTPServer.Response(body: body, framing: .chunked(chunkSize: 500)))
            case "/inflated": return .respond(LoopbackHTTPServer.Response(body: body, framing: .chunked(chunkSize: 500), coding: .gzip))
            default: return .respond(LoopbackHTTPServer.Response(body: Data(repeating: 0x62, count: 1_000)))
            }
        }
        defer { server.stop() }
        let client = try TestClients.make { $0.maxResponseSize = 1_000 }
        defer { client.shutdown() }

        for target in ["/declared", "/chunked", "/inflated"] {
            let error = await #expect(throws: HTTPClientError.self, "\(target)") {
                try await client.execute(HTTPRequest(url: server.url(target)))
            }
            #expect(error == .tooLarge(limit: 1_000), "\(target)")
        }
        // Exactly at the limit is fine, and the client carries on.
        let atLimit = try await client.execute(HTTPRequest(url: server.url("/exact")))
        #expect(atLimit.body.count == 1_000)
        #expect(client.liveHandleCount == 0)
    }

    /// A request's own limit (a media download's) replaces the client's, either way.
    @Test func aRequestsOwnSizeLimitReplacesTheClients() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(LoopbackHTTPServer.Response(body: Data(repeating: 0x61, count: 5_000))) }
        defer { server.stop() }
        let client = try TestClients.make { $0.maxResponseSize = 1_000 }
        defer { client.shutdown() }
        let larger = try await client.execute(HTTPRequest(url: server.url("/big"), maxResponseSize: 5_000))
        #expect(larger.body.count == 5_000)
        let smaller = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: server.url("/big"), maxResponseSize: 100))
        }
        #expect(smaller == .tooLarge(limit: 100))
        let invalid = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: server.url("/big"), maxResponseSize: 0))
        }
        #expect(invalid?.description.contains("maxResponseSize") == true)
        #expect(client.liveHandleCount == 0)
    }

    @Test func redirectsAreReturnedAsIsUnlessTheClientFollowsThem() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/old"
                ? .respond(LoopbackHTTPServer.Response(status: 302, headers: ["Location": "/new", "X-Hop": "first"]))
                : .respond(.text("arrived", headers: ["X-Final": "yes"]))
        }
        defer { server.stop() }
        let plain = try TestClients.make()
        defer { plain.shutdown() }
        let following = try TestClients.make { $0.maxRedirects = 3 }
        defer { following.shutdown() }

        let notFollowed = try await plain.execute(HTTPRequest(url: server.url("/old")))
        #expect(notFollowed.status == 302)
        #expect(notFollowed.headers["Location"] == "/new")

        let followed = try await following.execute(HTTPRequest(url: server.url("/old")))
        #expect(followed.status == 200)
        #expect(followed.bodyText == "arrived")
        // Only the final response's fields.
        #expect(followed.headers["X-Final"] == "yes")
        #expect(followed.headers["X-Hop"] == nil)
        #expect(followed.headers["Location"] == nil)
    }

    @Test func verboseLoggingShowsConnectionReuseButNoSecrets() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(.text("ok")) }
        defer { server.stop() }
        let capture = LogCapture(label: "test.http")
        let logger = capture.logger
        var configuration = HTTPClient.Configuration()
        configuration.proxy = .none
        configuration.verbose = true
        let client = try HTTPClient(configuration: configuration, logger: logger)
        defer { client.shutdown() }

        for _ in 0..<2 {
            _ = try await client.execute(
                HTTPRequest(
                    url: server.url("/2/users/me?access_token=QUERYSECRET"), headers: ["Authorization": "Bearer HEADERSECRET"]
                ))
        }
        let lines = capture.lines
        #expect(lines.contains { $0.contains("Re-using existing connection") })
        #expect(!lines.contains { $0.contains("QUERYSECRET") || $0.contains("HEADERSECRET") })
    }
}
