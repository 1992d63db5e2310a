import Testing

@testable import AMQP

@Suite("Failover order over a node list")
struct NodeRotationTests {
    @Test func theFirstRoundStartsAtTheFirstNodeAndTriesEachOnce() {
        #expect(NodeRotation(count: 3).round() == [0, 1, 2])
        #expect(NodeRotation(count: 1).round() == [0])
    }

    /// After a loss the connection moves to the next node, round-robin; the one it lost comes last.
    @Test func aReconnectStartsAtTheNodeAfterTheOneLastConnected() {
        var rotation = NodeRotation(count: 3)
        rotation.connected(to: 0)
        #expect(rotation.round() == [1, 2, 0])
        rotation.connected(to: 2)
        #expect(rotation.round() == [0, 1, 2])
    }

    @Test func aSingleNodeIsAlwaysTheSameNode() {
        var rotation = NodeRotation(count: 1)
        rotation.connected(to: 0)
        #expect(rotation.round() == [0])
    }

    @Test func oneNodesFailureIsReportedUnchanged() {
        let error = AMQPError.connectFailed(host: "rmq1", port: 5672, reason: "connection refused")
        #expect(NodeRotation.failure(of: [(AMQPNode(host: "rmq1", port: 5672), error)]) == error)
    }

    @Test func aRoundOfFailuresNamesEveryNodeTried() {
        let failure = NodeRotation.failure(of: [
            (AMQPNode(host: "rmq1", port: 5672), .connectFailed(host: "rmq1", port: 5672, reason: "connection refused")),
            (AMQPNode(host: "::1", port: 5673), .connectFailed(host: "::1", port: 5673, reason: "no answer within 10 seconds")),
            (AMQPNode(host: "rmq3", port: 5672), .connectFailed(host: "rmq3", port: 5672, reason: "host unreachable")),
        ])
        guard case .connectFailed(let host, let port, let reason) = failure else { Issue.record("unexpected \(failure)"); return }
        #expect(host == "rmq3" && port == 5672)
        #expect(reason == "host unreachable; the nodes tried before it failed too: rmq1:5672 (connection refused), [::1]:5673 (no answer within 10 seconds)")
    }

    /// Users and vhosts are the cluster's: a refusal by one node is what the person must fix,
    /// even when the other nodes were down.
    @Test func aRefusalOfTheCredentialsWinsOverUnreachableNodes() {
        let refused = AMQPError.authenticationFailed(user: "kiamo", vhost: "/")
        let failure = NodeRotation.failure(of: [
            (AMQPNode(host: "rmq1", port: 5672), .connectFailed(host: "rmq1", port: 5672, reason: "connection refused")),
            (AMQPNode(host: "rmq2", port: 5672), refused),
            (AMQPNode(host: "rmq3", port: 5672), .connectFailed(host: "rmq3", port: 5672, reason: "connection refused")),
        ])
        #expect(failure == refused)
    }
}
