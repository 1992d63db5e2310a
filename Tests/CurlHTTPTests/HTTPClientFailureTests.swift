import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Bad input and broken peers end in a typed error with a clear message: never a crash or a hang.
@Suite struct HTTPClientFailureTests {
    @Test(arguments: [
        "not a url",
        "",
        "/2/dm_events",
        "ftp://example.com/file",
        "http://:8080/no-host",
        "http://exa mple.com/",
        "https://example.com:99999/",
    ])
    func aBadURLFailsWithInvalidURLBeforeAnythingIsSent(url: String) async throws {
        let client = try TestClients.make()
        defer { client.shutdown() }

        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: url))
        }
        guard case .invalidURL = error else {
            Issue.record("expected invalidURL, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("give an absolute http:// or https:// URL with a host") == true)
        #expect(client.inFlightCount == 0)
    }

    @Test func anInvalidURLMessageNamesTheURLWithoutItsQueryOrCredentials() async throws {
        let client = try TestClients.make()
        defer { client.shutdown() }

        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "gopher://user:hunter2@example.com/path?access_token=s3cret"))
        }
        let description = try #require(error?.description)
        #expect(description.contains("example.com/path"))
        #expect(!description.contains("s3cret"))
        #expect(!description.contains("hunter2"))
    }

    @Test func aHeaderWithALineBreakIsRefusedWithoutEchoingItsValue() async throws {
        let client = try TestClients.make()
        defer { client.shutdown() }

        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:1/", headers: ["Authorization": "Bearer s3cret\r\nX-Injected: 1"]))
        }
        #expect(error == .invalidRequest(reason: "the value of header Authorization contains a line break or NUL"))
    }

    @Test func aClosedPortFailsWithConnectNamingHostAndPort() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let client = try TestClients.make()
        defer { client.shutdown() }

        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/2/users/me?user.fields=id"))
        }
        #expect(error == .connect(host: "127.0.0.1", port: port, curlCode: 7, message: "Connection refused"))
        #expect(
            error?.description == "could not connect to 127.0.0.1:\(port): Connection refused (curl 7); "
                + "check the API base URL and that the server runs")
    }

    @Test func aTLSHandshakeWithAPlainHTTPServerFailsWithTLS() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(.text("plain")) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/", timeout: .seconds(10)))
        }
        guard case .tls(let host, let port, let code, _) = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(port == server.port)
        #expect(code == 35)
        #expect(error?.description.hasPrefix("TLS with 127.0.0.1:\(server.port) failed: ") == true)
    }

    @Test func aHostThatNeverAcceptsTripsTheConnectTimeout() async throws {
        let listener = try BackloggedListener()
        let client = try TestClients.make()
        defer { client.shutdown() }

        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: listener.url("/"), timeout: .seconds(10), connectTimeout: .milliseconds(300)))
        }
        // The error names the phase and the limit: the 300 ms connect timeout, not the 10 s total,
        // ended it (no wall-clock bound here: a loaded CI machine stretches both).
        #expect(error == .timeout(.connect, host: "127.0.0.1", port: listener.port, limit: .milliseconds(300), curlCode: 28))
    }

    @Test func aConnectionClosedWithoutAReplyFailsWithConnectionLost() async throws {
        let server = try LoopbackHTTPServer { _ in .closeWithoutReply }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: server.url("/drop")))
        }
        #expect(error == .connectionLost(host: "127.0.0.1", port: server.port, curlCode: 52, message: "Empty reply from server"))
    }

    @Test func anUnusableConfigurationIsRefusedAtCreation() throws {
        let error = #expect(throws: HTTPClientError.self) {
            try TestClients.make { $0.timeout = .zero }
        }
        #expect(error == .invalidConfiguration(reason: "timeout must be positive (got 0.0 seconds)"))
    }
}
