import CurlHTTP
import Foundation
import TestSupport
import Testing

/// CurlHTTP checks the server's certificate: against a local HTTPS server (`openssl s_server`, with
/// the test broker's throw-away CA and server certificate from `scripts/test-broker`), a CA the
/// client does not trust and a host the certificate does not name are refused with `.tls`; the
/// right `caBundlePath` and host are accepted. Without the test CA the tests fail, never skip.
@Suite("HTTPS certificates are verified", .serialized)
struct CertificateVerificationTests {
    struct MissingCA: Error, CustomStringConvertible {
        var description: String { "KIAMO_TEST_TLS_CA is not set: start the broker with scripts/test-broker and export its broker.env" }
    }

    struct ServerExited: Error, CustomStringConvertible {
        var output: String
        var description: String { "openssl s_server exited before it listened: \(output.suffix(2000))" }
    }

    struct ServerNotListening: Error, CustomStringConvertible {
        var cause: String
        var output: String
        var description: String { "\(cause); openssl s_server said: \(output.suffix(2000))" }
    }

    /// `openssl s_server` on a free port with the test CA's server certificate (127.0.0.1, localhost).
    ///
    /// The port is one the kernel just found free, and a server that exits before it listens (the
    /// port taken meanwhile by one of the other suites' many connections) is started again on
    /// another. A random port in 30,000-60,000 once collided with the main run's ephemeral ports:
    /// the server never listened and the test waited out its deadline.
    static func server() async throws -> (RunningProcess, Int, String) {
        guard let ca = ProcessInfo.processInfo.environment["KIAMO_TEST_TLS_CA"], !ca.isEmpty else { throw MissingCA() }
        let folder = (ca as NSString).deletingLastPathComponent
        var lastError: any Error = ServerExited(output: "")
        for _ in 0..<5 {
            let port = try LoopbackHTTPServer.unusedPort()
            let server = try await RunningProcess(
                name: "openssl-s_server", executable: "/usr/bin/openssl",
                arguments: [
                    "s_server", "-quiet", "-www", "-accept", "\(port)", "-cert", folder + "/server.pem", "-key", folder + "/server-key.pem",
                ])
            do {
                try await eventually("openssl s_server to listen on \(port)", timeout: .seconds(60), every: .milliseconds(50)) {
                    guard server.isRunning else { throw ServerExited(output: server.output()) }
                    let client = try TestClients.make { $0.caBundlePath = ca }
                    defer { client.shutdown() }
                    do {
                        _ = try await client.execute(HTTPRequest(url: "https://localhost:\(port)/"))
                        return true
                    } catch {
                        return false
                    }
                }
                return (server, port, ca)
            } catch let error as ServerExited {
                lastError = error
            } catch {
                server.terminate()
                throw ServerNotListening(cause: "\(error)", output: server.output())
            }
        }
        throw lastError
    }

    @Test func anUntrustedCAAndAWrongHostAreRefusedTheRightCAIsAccepted() async throws {
        let (server, port, ca) = try await Self.server()
        defer { server.terminate() }

        let trusting = try TestClients.make { $0.caBundlePath = ca }
        defer { trusting.shutdown() }
        let answer = try await trusting.execute(HTTPRequest(url: "https://localhost:\(port)/"))
        #expect(answer.status == 200)

        let system = try TestClients.make()
        defer { system.shutdown() }
        await #expect {
            _ = try await system.execute(HTTPRequest(url: "https://localhost:\(port)/"))
        } throws: { error in
            guard case .tls = error as? HTTPClientError else { return false }
            return true
        }

        if let wrong = ProcessInfo.processInfo.environment["KIAMO_TEST_TLS_WRONG_CA"] {
            let other = try TestClients.make { $0.caBundlePath = wrong }
            defer { other.shutdown() }
            await #expect {
                _ = try await other.execute(HTTPRequest(url: "https://localhost:\(port)/"))
            } throws: { error in
                guard case .tls = error as? HTTPClientError else { return false }
                return true
            }
        }

        // Same server, same trusted CA, but a name the certificate does not carry.
        // 127.0.0.2 reaches the same loopback server; the certificate names 127.0.0.1 and localhost.
        let misnamed = try TestClients.make { $0.caBundlePath = ca }
        defer { misnamed.shutdown() }
        await #expect {
            _ = try await misnamed.execute(HTTPRequest(url: "https://127.0.0.2:\(port)/"))
        } throws: { error in
            guard case .tls = error as? HTTPClientError else { return false }
            return true
        }
    }
}
