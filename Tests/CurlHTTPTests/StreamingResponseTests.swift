import CurlHTTP
import Foundation
import Synchronization
import TestSupport
import Testing

/// Long-lived responses read as they arrive (`HTTPRequest.receiveBody`): X's activity stream.
@Suite struct StreamingResponseTests {
    final class Pieces: Sendable {
        let received = Mutex<[Data]>([])
        var joined: Data { received.withLock { $0.reduce(Data(), +) } }
        var count: Int { received.withLock { $0.count } }
    }

    @Test func eachPieceArrivesWhenSentNotAtTheEnd() async throws {
        let server = try LoopbackHTTPServer { _ in
            .stream([(.zero, Data("first\r\n".utf8)), (.milliseconds(1500), Data("second\r\n".utf8))], hold: false)
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }
        let pieces = Pieces()
        let started = ContinuousClock.now
        let firstSeen = Mutex<Duration?>(nil)
        let response = try await client.execute(
            HTTPRequest(url: server.url("/stream"), timeout: .seconds(30)) { piece in
                pieces.received.withLock { $0.append(piece) }
                firstSeen.withLock { $0 = $0 ?? ContinuousClock.now - started }
            })
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(String(decoding: pieces.joined, as: UTF8.self) == "first\r\nsecond\r\n")
        // The first piece was handed on long before the second was sent.
        #expect(try #require(firstSeen.withLock { $0 }) < .milliseconds(1200))
    }

    @Test func aStreamThatFallsSilentEndsWithATimeoutAfterTheStallTimeout() async throws {
        let server = try LoopbackHTTPServer { _ in .stream([(.zero, Data("\r\n".utf8))], hold: true) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }
        let started = ContinuousClock.now
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(HTTPRequest(url: server.url("/stream"), timeout: .seconds(60), receiveBody: { _ in }, stallTimeout: .seconds(2)))
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(2) && elapsed < .seconds(15), "ended after \(elapsed)")
    }

    @Test func anErrorAnswerIsCollectedNotStreamed() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(.init(status: 429, body: Data(#"{"title":"ConnectionException"}"#.utf8))) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }
        let pieces = Pieces()
        let response = try await client.execute(
            HTTPRequest(url: server.url("/stream"), receiveBody: { piece in pieces.received.withLock { $0.append(piece) } }, stallTimeout: .seconds(5)))
        #expect(response.status == 429)
        #expect(String(decoding: response.body, as: UTF8.self).contains("ConnectionException"))
        #expect(pieces.count == 0)
    }

    @Test func cancellingTheTaskClosesTheStream() async throws {
        let server = try LoopbackHTTPServer { _ in .stream([(.zero, Data("\r\n".utf8))], hold: true) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }
        let pieces = Pieces()
        let task = Task {
            try await client.execute(
                HTTPRequest(url: server.url("/stream"), timeout: .seconds(60), receiveBody: { piece in pieces.received.withLock { $0.append(piece) } }))
        }
        try await eventually("the first keep-alive", timeout: .seconds(10)) { pieces.count > 0 }
        let started = ContinuousClock.now
        task.cancel()
        _ = await task.result
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
