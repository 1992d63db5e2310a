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

        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(method: .post, url: server.url("/dm"), body: Data("{\"text\":\"hi\"}".utf8)))
        }
        #expect(posts.withLock { $0 } == 1, "the POST reached the server \(posts.withLock { $0 }) times")
        // libcurl may open the fresh connection for its retry, but nothing is sent on it; the
        // error says what is left to settle.
        #expect(server.requestsReceived == 2)
        guard case .connectionLost(_, _, _, let message)? = error else {
            Issue.record("expected connectionLost, got \(String(describing: error))")
            return
        }
        #expect(message.contains("may have acted on it"))
    }

    @Test func postsGoOutOnTheKeptAliveConnectionWithTheirBodiesWhole() async throws {
        // A DM post used to take a fresh connection every time (a TCP and TLS handshake per DM).
        let bodies = Mutex<[Data]>([])
        let server = try LoopbackHTTPServer { request in
            if request.method == "POST" { bodies.withLock { $0.append(request.body) } }
            return .respond(.text("ok"))
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }
        _ = try await client.execute(HTTPRequest(url: server.url("/warm")))
        // Small, and larger than libcurl's upload buffer (64 KiB), so it is read in pieces.
        let sent = (0..<20).map { index in Data("{\"text\":\"reply \(index)\"}".utf8) } + [Data((0..<300_000).map { UInt8($0 % 251) })]
        for body in sent {
            let response = try await client.execute(HTTPRequest(method: .post, url: server.url("/dm"), body: body))
            #expect(response.status == 200)
        }
        #expect(bodies.withLock { $0 } == sent)
        #expect(server.acceptedConnections == 1, "\(server.acceptedConnections) connections for 21 posts after a GET")
    }

    @Test func aPostRedirectedWith307IsSentAgainToTheNewPlace() async throws {
        // An answer came back: the server did not act, and asks for the body again elsewhere.
        let arrived = Mutex<[String: Data]>([:])
        let server = try LoopbackHTTPServer { request in
            arrived.withLock { $0[request.path] = request.body }
            return request.path == "/old"
                ? .respond(LoopbackHTTPServer.Response(status: 307, headers: ["Location": "/new"]))
                : .respond(.text("arrived"))
        }
        defer { server.stop() }
        let client = try TestClients.make { $0.maxRedirects = 3 }
        defer { client.shutdown() }
        let body = Data("{\"text\":\"hello\"}".utf8)
        let response = try await client.execute(HTTPRequest(method: .post, url: server.url("/old"), body: body))
        #expect(response.status == 200)
        #expect(arrived.withLock { $0 } == ["/old": body, "/new": body])
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
