import AMQP
import Foundation
import TestSupport
import Testing

@Suite("Connection failures are typed, quick and never show the password")
struct ConnectionFailureTests {
    @Test func aMalformedURLIsAnInvalidURLErrorWithoutThePassword() throws {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "http://user:s3cret@host/") }
        do {
            _ = try AMQPConfiguration(url: "amqp://user:s3cret@host:99999/")
            Issue.record("port 99999 was accepted")
        } catch let error as AMQPError {
            guard case .invalidURL = error else { Issue.record("unexpected \(error)"); return }
            #expect(!"\(error)".contains("s3cret"))
        }
    }

    @Test func anUnreachablePortFailsFastWithConnectFailed() async throws {
        // A connect timeout far above the bound below: only the refusal can end the attempt in time.
        let connection = try AMQPConnection(url: "amqp://guest:s3cret@127.0.0.1:1/?connection_timeout=60000")
        let started = ContinuousClock.now
        do {
            try await connection.connect()
            Issue.record("connected to port 1")
        } catch let error as AMQPError {
            guard case .connectFailed(let host, let port, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(host == "127.0.0.1" && port == 1)
            #expect(!"\(error)".contains("s3cret"))
        }
        // The refusal ends it at once; waiting for the 60 s connect timeout would take twice the
        // bound. Half that timeout, not a few seconds: a loaded 2-core CI runs ~500 tests at once.
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(connection.state == .closed)
    }

    @Test func aWrongPasswordIsAuthenticationFailed() async throws {
        var configuration = try AMQPConfiguration(url: try TestBroker.url())
        configuration.password = "not-the-password"
        let connection = try AMQPConnection(configuration: configuration)
        do {
            try await connection.connect()
            Issue.record("logged in with a wrong password")
        } catch let error as AMQPError {
            #expect(error == .authenticationFailed(user: "guest", vhost: "/"))
            #expect(!"\(error)".contains("not-the-password"))
        }
    }

    @Test func anUnknownVhostIsAccessRefused() async throws {
        var configuration = try AMQPConfiguration(url: try TestBroker.url())
        configuration.vhost = "no-such-vhost"
        let connection = try AMQPConnection(configuration: configuration)
        await #expect {
            try await connection.connect()
        } throws: { error in
            guard case .accessRefused(let user, let vhost, _) = error as? AMQPError else { return false }
            return user == "guest" && vhost == "no-such-vhost"
        }
    }

    @Test func aTLSHandshakeWithAPlainPortIsTLSFailed() async throws {
        let plain = try AMQPConfiguration(url: try TestBroker.url())
        let connection = try AMQPConnection(url: "amqps://guest:s3cret@127.0.0.1:\(plain.port)/?connection_timeout=3000")
        let started = ContinuousClock.now
        do {
            try await connection.connect()
            Issue.record("TLS handshake with a plain AMQP port succeeded")
        } catch let error as AMQPError {
            guard case .tlsFailed = error else { Issue.record("unexpected \(error)"); return }
            #expect(!"\(error)".contains("s3cret"))
        }
        // Proves the handshake ends (the broker drops a non-AMQP header; the 3 s connect timeout
        // covers the TLS handshake): a handshake without a limit would hang here for good. The
        // bound is that timeout with room for a loaded 2-core CI, not the 5 s it was.
        #expect(ContinuousClock.now - started < .seconds(25))
    }

    @Test func operationsOnAClosedConnectionFailWithATypedError() async throws {
        let session = try await BrokerSession.open("closed")
        let channel = try await session.connection.openChannel()
        await session.connection.close()
        #expect(session.connection.state == .closed)
        await #expect(throws: AMQPError.connectionClosedByApplication) {
            try await channel.publish(routingKey: "x", body: Data("x".utf8))
        }
        await #expect(throws: AMQPError.connectionClosedByApplication) {
            _ = try await session.connection.openChannel()
        }
    }
}
