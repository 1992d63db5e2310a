import Foundation
import Testing

@testable import AMQP

@Suite("Parsing a cluster's node list in amqp:// URLs")
struct AMQPNodeListTests {
    @Test func aNodeListSharesTheUserThePasswordTheVhostAndTheQuery() throws {
        let c = try AMQPConfiguration(url: "amqp://kiamo:s3cret@rmq1:5672,rmq2:5673,rmq3/prod?heartbeat=10")
        #expect(c.nodes == [AMQPNode(host: "rmq1", port: 5672), AMQPNode(host: "rmq2", port: 5673), AMQPNode(host: "rmq3", port: 5672)])
        #expect(c.user == "kiamo" && c.password == "s3cret" && c.vhost == "prod" && c.heartbeat == .seconds(10))
        #expect(c.host == "rmq1" && c.port == 5672)
        #expect("\(c)" == "amqp://****@rmq1:5672,rmq2:5673,rmq3:5672/prod")
        #expect(AMQPConfiguration.redact("amqp://kiamo:s3cret@rmq1:5672,rmq2:5673/prod") == "amqp://****@rmq1:5672,rmq2:5673/prod")
    }

    @Test func amqpsAppliesToEveryNodeWithItsDefaultPort() throws {
        let c = try AMQPConfiguration(url: "amqps://u:p@rmq1,rmq2:5680,[fd00::3]/?cacertfile=/ca.pem")
        #expect(c.nodes == [AMQPNode(host: "rmq1", port: 5671), AMQPNode(host: "rmq2", port: 5680), AMQPNode(host: "fd00::3", port: 5671)])
        #expect(c.tls?.caFile == "/ca.pem" && c.tls?.verifyPeer == true)
        #expect("\(c)" == "amqps://****@rmq1:5671,rmq2:5680,[fd00::3]:5671/")
    }

    @Test func ipv6NodesSitInBracketsAnywhereInTheList() throws {
        let c = try AMQPConfiguration(url: "amqp://u:p@[::1]:5680,127.0.0.1:5681,[fe80::1]/v")
        #expect(c.nodes == [AMQPNode(host: "::1", port: 5680), AMQPNode(host: "127.0.0.1", port: 5681), AMQPNode(host: "fe80::1", port: 5672)])
    }

    /// Read by the last `@`: a `,` or `@` in the password, raw or percent-encoded, stays in the
    /// password and never becomes a node.
    @Test(arguments: ["pa,ss", "pa%2Css", "pa%40ss", "p@,ss", "a,b@c"])
    func aPasswordWithCommasOrAtSignsStaysWhole(password: String) throws {
        let url = "amqp://kiamo:\(password)@rmq1:5672,rmq2:5672/v"
        let c = try AMQPConfiguration(url: url)
        #expect(c.password == password.removingPercentEncoding)
        #expect(c.nodes == [AMQPNode(host: "rmq1", port: 5672), AMQPNode(host: "rmq2", port: 5672)])
        #expect(AMQPConfiguration.redact(url) == "amqp://****@rmq1:5672,rmq2:5672/v")
    }

    @Test func aSingleNodeIsReadAsBefore() throws {
        let c = try AMQPConfiguration(url: "amqp://u:p@broker:5673/v")
        #expect(c.nodes == [AMQPNode(host: "broker", port: 5673)])
        #expect(try AMQPConfiguration(url: "amqp://").nodes == [AMQPNode(host: "localhost", port: 5672)])
        #expect(try AMQPConfiguration(url: "amqp://u:p@:5699/").nodes == [AMQPNode(host: "localhost", port: 5699)])
    }

    @Test(arguments: [
        ("amqp://u:Qzvsecret@rmq1,,rmq3/", "node 2 of the list: empty"),
        ("amqp://u:Qzvsecret@rmq1,rmq2,/", "node 3 of the list: empty"),
        ("amqp://u:Qzvsecret@,rmq2/", "node 1 of the list: empty"),
        ("amqp://u:Qzvsecret@rmq1:5672,rmq2:99999/", "node 2 of the list: the port is not a number"),
        ("amqp://u:Qzvsecret@rmq1:5672,rmq2:x/", "node 2 of the list: the port is not a number"),
        ("amqp://u:Qzvsecret@rmq1,[::1/", "node 2 of the list: unterminated IPv6 address"),
        ("amqp://u:Qzvsecret@rmq1,amqps://rmq2/", "one scheme and one user information for every node"),
        ("amqp://u:Qzvsecret@rmq1,amqp://u:Qzvsecret@rmq2/", "one scheme and one user information for every node"),
        ("amqp://u:Qzv@Jxk,secret@rmq1,AMQPS://rmq2/", "one scheme and one user information for every node"),
    ])
    func aBadNodeListIsInvalidURLNamingTheNodeNeverThePassword(url: String, reason expected: String) {
        do {
            let c = try AMQPConfiguration(url: url)
            Issue.record("\(url) was accepted as \(c.nodes)")
        } catch let error as AMQPError {
            guard case .invalidURL(let shown, let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(reason.contains(expected), "\(error)")
            for piece in ["secret", "Qzv", "Jxk"] {
                #expect(!shown.contains(piece) && !reason.contains(piece) && !"\(error)".contains(piece), "\(error)")
            }
        } catch {
            Issue.record("untyped \(error)")
        }
    }

    @Test func validationChecksEveryNode() {
        var c = AMQPConfiguration()
        c.nodes = [AMQPNode(host: "rmq1", port: 5672), AMQPNode(host: "rmq2", port: 0)]
        #expect(throws: AMQPError.self) { try c.validate() }
        c.nodes = [AMQPNode(host: "rmq1", port: 5672), AMQPNode(host: "", port: 5672)]
        #expect(throws: AMQPError.self) { try c.validate() }
        c.nodes = []
        #expect(throws: AMQPError.self) { try c.validate() }
        c.nodes = [AMQPNode(host: "rmq1", port: 5672), AMQPNode(host: "rmq2", port: 5672)]
        #expect(throws: Never.self) { try c.validate() }
    }
}
