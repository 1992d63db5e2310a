import CurlHTTP
import Foundation
import TestSupport
import Testing

@testable import XAPI

/// Every fault a network or a server can produce, over real HTTP (CurlHTTP against a loopback
/// server), becomes the right typed error and nothing crashes.
@Suite("Faults over real HTTP")
struct FaultsOverHTTPTests {
    static func client(_ server: LoopbackHTTPServer, http: HTTPClient, timeout: Duration = .seconds(10)) throws -> XAPIClient {
        try LoopbackClients.x(baseURL: server.baseURL, credentials: .oauth1(UnitClients.oauth1), http: http, timeout: timeout)
    }

    static func json(_ status: Int, _ text: String, headers: HTTPHeaders = [:]) -> LoopbackHTTPServer.Reply {
        var headers = headers
        headers.add(name: "Content-Type", value: "application/json")
        return .respond(.init(status: status, headers: headers, body: Data(text.utf8)))
    }

    @Test func serverErrorIsTransient() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        let server = try LoopbackHTTPServer { _ in Self.json(500, #"{"title":"Internal Server Error"}"#, headers: ["x-rate-limit-remaining": "12"]) }
        defer { server.stop() }
        let error = await #expect(throws: XAPIError.self) { try await Self.client(server, http: http).listDMEvents(pageToken: nil, maxResults: 10) }
        #expect(error == .transient(operation: .listDMEvents, cause: .httpStatus(500), rateLimit: RateLimitInfo(limit: nil, remaining: 12, resetAt: nil)))
    }

    /// A media server that promises more bytes than it sends, or more than the caller takes:
    /// the first may pass on a retry, the second will not.
    @Test func aMediaDownloadThatLiesAboutItsLengthOrIsTooLargeIsTypedSo() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        let server = try LoopbackHTTPServer { request in
            request.path.hasSuffix("short.jpg")
                ? .respond(.init(status: 200, headers: ["Content-Type": "application/octet-stream"], body: Data(repeating: 0xFF, count: 100), framing: .claimedLength(10_000)))
                : .respond(.init(status: 200, headers: ["Content-Type": "application/octet-stream"], body: Data(repeating: 0xFF, count: 5_000)))
        }
        defer { server.stop() }
        let client = try Self.client(server, http: http)
        let short = await #expect(throws: XAPIError.self) {
            try await client.downloadDMMedia(XDMMediaReference(dmId: "1", mediaId: "2", resourceId: "short.jpg"), maxBytes: 100_000)
        }
        #expect(short?.isRetryable == true, "\(String(describing: short))")
        let large = await #expect(throws: XAPIError.self) {
            try await client.downloadDMMedia(XDMMediaReference(dmId: "1", mediaId: "2", resourceId: "large.jpg"), maxBytes: 1_000)
        }
        guard case .invalidArgument(.downloadDMMedia, "maxBytes", _)? = large else {
            Issue.record("got \(String(describing: large))")
            return
        }
        let whole = try await client.downloadDMMedia(XDMMediaReference(dmId: "1", mediaId: "2", resourceId: "large.jpg"), maxBytes: 5_000)
        #expect(whole.bytes.count == 5_000, "exactly at the limit is fine")
    }

    @Test func aDelayPastTheTimeoutIsTransient() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        let server = try LoopbackHTTPServer { _ in .respondAfter(.seconds(5), .text("late")) }
        defer { server.stop() }
        let error = await #expect(throws: XAPIError.self) { try await Self.client(server, http: http, timeout: .milliseconds(300)).me() }
        guard case .transient(.me, .network(let reason), nil) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        // The timeout error is the proof that the client gave up before the server's late answer
        // (an answer that came first would have been read: "late" is no JSON, a decoding error).
        // No wall-clock bound: `< 5 s` after a 300 ms timeout flaked on a loaded 2-core CI.
        #expect(reason.contains("timeout") || reason.contains("timed out"), "\(reason)")
    }

    @Test func aRefusedConnectionIsUnreachableNotAnUnknownOutcome() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        // A port nobody listens on: the request never leaves this host.
        let port = try LoopbackHTTPServer.unusedPort()
        let client = try LoopbackClients.x(baseURL: "http://127.0.0.1:\(port)", credentials: .oauth1(UnitClients.oauth1), http: http, timeout: .seconds(5))
        let error = await #expect(throws: XAPIError.self) { try await client.sendDM(to: "42", text: "hi") }
        guard case .transient(.sendDM, .unreachable, nil) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
    }

    @Test func aDroppedConnectionIsTransient() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        let server = try LoopbackHTTPServer { _ in .closeWithoutReply }
        defer { server.stop() }
        let error = await #expect(throws: XAPIError.self) { try await Self.client(server, http: http).sendDM(to: "42", text: "hi") }
        guard case .transient(.sendDM, .network, nil) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
    }

    @Test func aRefusedConnectionIsTransient() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        let client = try LoopbackClients.x(baseURL: "http://127.0.0.1:\(try LoopbackHTTPServer.unusedPort())", credentials: .oauth1(UnitClients.oauth1), http: http)
        let error = await #expect(throws: XAPIError.self) { try await client.me() }
        #expect(error?.isRetryable == true)
    }

    @Test func malformedJSONIsADecodingErrorNamingTheOperation() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        let server = try LoopbackHTTPServer { request in
            request.path == "/2/users/me" ? Self.json(200, #"{"data": {"id": 12, "name": "x"}}"#) : Self.json(200, #"{"data": [ {"id": "1""#)
        }
        defer { server.stop() }
        let client = try Self.client(server, http: http)
        await #expect(throws: XAPIError.decoding(operation: .listDMEvents, field: "<body>", reason: "not valid JSON")) {
            try await client.listDMEvents(pageToken: nil, maxResults: 10)
        }
        await #expect(throws: XAPIError.decoding(operation: .me, field: "data.id", reason: "expected a string")) { try await client.me() }
    }

    @Test func rateLimitedAnswersCarryTheResetTime() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        let server = try LoopbackHTTPServer { _ in
            Self.json(429, Fixtures.rateLimited, headers: ["x-rate-limit-limit": "15", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1900000000"])
        }
        defer { server.stop() }
        let error = await #expect(throws: XAPIError.self) { try await Self.client(server, http: http).listDMEvents(pageToken: nil, maxResults: 10) }
        guard case .rateLimited(.listDMEvents, let resetAt, let limit) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(resetAt == Date(timeIntervalSince1970: 1_900_000_000))
        #expect(limit?.limit == 15 && limit?.remaining == 0)
    }

    @Test func cancellingACallThrowsCancellationError() async throws {
        let http = try LoopbackClients.http()
        defer { http.shutdown() }
        let server = try LoopbackHTTPServer { _ in .neverAnswer }
        defer { server.stop() }
        let client = try Self.client(server, http: http)
        let call = Task { try await client.listDMEvents(pageToken: nil, maxResults: 10) }
        try await eventually("the request reached the server") { server.requestsReceived == 1 }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
    }
}
