import Foundation
import Testing
import URLRedaction

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
        // Passwords made of the characters that end URL parts, written raw.
        "amqp://u:Qzv/Jxk:Wyq@host:notaport/",
        "amqp://u:Qzv?Jxk#Wyq@host/?heartbeat=x",
        "amqp://u:Qzv@Jxk/Wyq@host:99999/",
        "amqp://u:Qzv%Jxk%Wyq@host/",
        "amqp://u:Qzv#Jxk@host/a/b",
    ])
    func aBadURLIsInvalidURLAndNeverShowsThePassword(url: String) {
        do {
            _ = try AMQPConfiguration(url: url)
            Issue.record("\(url) was accepted")
        } catch let error as AMQPError {
            guard case .invalidURL(let shown, let reason) = error else { Issue.record("unexpected \(error)"); return }
            for piece in ["secret", "Qzv", "Jxk", "Wyq"] {
                #expect(!shown.contains(piece) && !reason.contains(piece) && !"\(error)".contains(piece), "\(error)")
            }
        } catch {
            Issue.record("untyped \(error)")
        }
    }

    @Test func theDescriptionMasksThePassword() throws {
        let c = try AMQPConfiguration(url: "amqp://kiamo:hunter2@host:5672/v")
        #expect("\(c)" == "amqp://****@host:5672/v")
        #expect(AMQPConfiguration.redact("amqp://a:b:c@d@host/") == "amqp://****@host/")
        #expect(AMQPConfiguration.redact("amqp://host/") == "amqp://host/")
    }

    /// The user information ends at the last `@`, as `URLRedactor` masks it: a raw `/ ? # : @`
    /// in a password is read as part of the password, never as a path, query, fragment or port.
    @Test(arguments: ["pa/ss", "pa?ss", "pa#ss", "pa:ss", "pa@ss", "/?#@:", "p@/?#:a"])
    func aPasswordWithURLSeparatorsIsReadWholeAndMaskedWhole(password: String) throws {
        let url = "amqp://kiamo:\(password)@broker.example:5673/v?heartbeat=7"
        let c = try AMQPConfiguration(url: url)
        #expect(c.user == "kiamo" && c.password == password)
        #expect(c.host == "broker.example" && c.port == 5673 && c.vhost == "v" && c.heartbeat == .seconds(7))
        #expect(AMQPConfiguration.redact(url) == "amqp://****@broker.example:5673/v?heartbeat=7")
        #expect("\(c)" == "amqp://****@broker.example:5673/v")
    }

    @Test func theRedactorMasksEverythingBetweenTheSchemeAndTheLastAt() {
        #expect(URLRedactor.redact("amqp://user:pa/ss@host/") == "amqp://****@host/")
        #expect(URLRedactor.redact("sqlite://user:pw@host/x.db") == "sqlite://****@host/x.db")
        #expect(URLRedactor.redact("https://a:%2F?#@:%@api.example/2?x=1") == "https://****@api.example/2?x=1")
        #expect(URLRedactor.redact("amqp:/user:pw@host/") == "****@host/")
        #expect(URLRedactor.redact("sqlite:///var/lib/state.db") == "sqlite:///var/lib/state.db")
        #expect(URLRedactor.redact("") == "")
    }

    @Test func validationRejectsUnusableValues() {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(heartbeat: .seconds(70_000)).validate() }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(frameMax: 100).validate() }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(connectTimeout: .zero).validate() }
    }
}
