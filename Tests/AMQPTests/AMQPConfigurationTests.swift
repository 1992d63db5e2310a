import Foundation
import Testing
@testable import AMQP

@Suite("Parsing amqp:// URLs")
struct AMQPConfigurationTests {
    @Test func aFullURLGivesEveryPart() throws {
        let c = try AMQPConfiguration(url: "amqp://kiamo:p%40ss%3Aword@rabbit.example:5673/kiamo%2Fprod?heartbeat=10&connection_timeout=2500&connection_name=ingest")
        #expect(c.host == "rabbit.example")
        #expect(c.port == 5673)
        #expect(c.user == "kiamo")
        #expect(c.password == "p@ss:word")
        #expect(c.vhost == "kiamo/prod")
        #expect(c.heartbeat == .seconds(10))
        #expect(c.connectTimeout == .milliseconds(2500))
        #expect(c.connectionName == "ingest")
        #expect(c.tls == nil)
    }

    @Test func defaultsFillWhatTheURLLeavesOut() throws {
        let c = try AMQPConfiguration(url: "amqp://")
        #expect(c.host == "localhost" && c.port == 5672 && c.user == "guest" && c.password == "guest" && c.vhost == "/")
        #expect(try AMQPConfiguration(url: "amqp://h/").vhost == "/")
        #expect(try AMQPConfiguration(url: "amqp://h/%2F").vhost == "/")
        #expect(try AMQPConfiguration(url: "amqp://h/staging").vhost == "staging")
        #expect(c.heartbeat == .seconds(30))
    }

    @Test func amqpsTurnsOnVerifyingTLSOnPort5671() throws {
        let c = try AMQPConfiguration(url: "amqps://u:p@broker/?cacertfile=/etc/ca.pem&certfile=/c.pem&keyfile=/k.pem")
        #expect(c.port == 5671)
        #expect(c.tls == AMQPTLSConfiguration(caFile: "/etc/ca.pem", certificateFile: "/c.pem", keyFile: "/k.pem", verifyPeer: true, verifyHostname: true))
        let unverified = try AMQPConfiguration(url: "amqps://broker?verify=verify_none")
        #expect(unverified.tls?.verifyPeer == false && unverified.tls?.verifyHostname == false)
    }

    @Test func ipv6HostsSitInBrackets() throws {
        let c = try AMQPConfiguration(url: "amqp://u:p@[::1]:5680/v")
        #expect(c.host == "::1" && c.port == 5680 && c.vhost == "v")
    }

    @Test(arguments: [
        "http://u:secret@host/",
        "amqp://u:secret@host:0/",
        "amqp://u:secret@host:notaport/",
        "amqp://u:secret@host/a/b",
        "amqp://u:secret@host/?heartbeat=-1",
        "amqp://u:secret@host/?cacertfile=/ca.pem",
        "amqp://u:secret@host/?frobnicate=1",
        "u:secret@host",
        "amqp://u:secret@[::1/",
    ])
    func aBadURLIsInvalidURLAndNeverShowsThePassword(url: String) {
        do {
            _ = try AMQPConfiguration(url: url)
            Issue.record("\(url) was accepted")
        } catch let error as AMQPError {
            guard case .invalidURL(let shown, let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(!shown.contains("secret") && !reason.contains("secret") && !"\(error)".contains("secret"))
        } catch {
            Issue.record("untyped \(error)")
        }
    }

    @Test func theDescriptionMasksThePassword() throws {
        let c = try AMQPConfiguration(url: "amqp://kiamo:hunter2@host:5672/v")
        #expect("\(c)" == "amqp://kiamo:****@host:5672/v")
        #expect(AMQPConfiguration.redact("amqp://a:b:c@d@host/") == "amqp://a:****@host/")
        #expect(AMQPConfiguration.redact("amqp://host/") == "amqp://host/")
    }

    @Test func validationRejectsUnusableValues() {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(heartbeat: .seconds(70_000)).validate() }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(frameMax: 100).validate() }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(connectTimeout: .zero).validate() }
    }
}
