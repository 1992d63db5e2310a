import CurlHTTP
import Foundation
import Synchronization
import TestSupport
import Testing

/// A request that is not idempotent (POST: a DM sent) is sent at most once per `execute`.
///
/// libcurl re-sends a request on a fresh connection, silently, when it went out on a reused
/// keep-alive connection and nothing came back before the connection closed ("Connection died,
/// retrying a fresh connect"), whatever the method. The server may have acted on the first copy
/// before it closed: X stores the DM and the retry posts it again (or, under OAuth 1.0a, the copy
/// with the same nonce is refused with a 401 that hides the first DM from the caller). The outcome
/// of such a request is unknown, and only the caller can decide what to do about it.
@Suite struct NonIdempotentRequestTests {
    @Test func aPostWhoseReusedConnectionClosesWithoutAnAnswerIsNotSentAgain() async throws {
        let posts = Mutex(0)
        let server = try LoopbackHTTPServer { request in
            guard request.method == "POST" else { return .respond(.text("warm")) }
            posts.withLock { $0 += 1 }
            return .closeWithoutReply
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        // A GET leaves a keep-alive connection in the pool for the POST to reuse.
        _ = try await client.execute(HTTPRequest(url: server.url("/warm")))
        #expect(server.acceptedConnections == 1)

        await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(method: .post, url: server.url("/dm"), body: Data("{\"text\":\"hi\"}".utf8)))
        }
        #expect(posts.withLock { $0 } == 1, "the POST reached the server \(posts.withLock { $0 }) times")
    }

    @Test func aGetOnADeadReusedConnectionIsStillRetriedOnAFreshOne() async throws {
        // The safe retry stays: a GET has no effect to repeat.
        let gets = Mutex(0)
        let server = try LoopbackHTTPServer { request in
            let n = gets.withLock {
                $0 += 1; return $0
            }
            return n == 2 ? .closeWithoutReply : .respond(.text("ok"))
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        _ = try await client.execute(HTTPRequest(url: server.url("/a")))
        let response = try await client.execute(HTTPRequest(url: server.url("/b")))
        #expect(response.status == 200)
        #expect(gets.withLock { $0 } == 3)
    }
}
