import Foundation
import TestSupport
import Testing

@testable import KiamoTwitter

/// compose/ ships the topology as RabbitMQ definitions: they must be exactly what the workers
/// declare, or the workers' declarations would fail with PRECONDITION_FAILED.
@Suite struct ComposeDefinitionsTests {
    @Test func shippedDefinitionsAreTheWorkersTopology() throws {
        let file = PackagePaths.root.appendingPathComponent("compose/rabbitmq/definitions.json")
        let expected = try Topology().rabbitMQDefinitions()
        if ProcessInfo.processInfo.environment["KIAMO_WRITE_DEFINITIONS"] == "1" {
            try expected.write(to: file)
        }
        let shipped = try Data(contentsOf: file)
        #expect(shipped == expected, "compose/rabbitmq/definitions.json differs from Topology(); regenerate it with KIAMO_WRITE_DEFINITIONS=1 swift test --filter ComposeDefinitionsTests")
    }

    /// The cluster's broker (compose.cluster.yaml) loads the same topology with quorum queues,
    /// as the workers declare it with `amqp.queueType: quorum`.
    @Test func shippedQuorumDefinitionsAreTheWorkersQuorumTopology() throws {
        let file = PackagePaths.root.appendingPathComponent("compose/rabbitmq/definitions.quorum.json")
        let expected = try Topology(queueType: .quorum).rabbitMQDefinitions()
        if ProcessInfo.processInfo.environment["KIAMO_WRITE_DEFINITIONS"] == "1" {
            try expected.write(to: file)
        }
        let shipped = try? Data(contentsOf: file)
        #expect(
            shipped == expected,
            "compose/rabbitmq/definitions.quorum.json differs from Topology(queueType: .quorum); regenerate it with KIAMO_WRITE_DEFINITIONS=1 swift test --filter ComposeDefinitionsTests")
    }

    /// The users the compose broker creates at boot: one per role, with the rights the workers'
    /// declarations need (scripts/check-compose --broker proves them on a real node).
    @Test func shippedUserTemplateIsTheRolesPermissions() throws {
        let file = PackagePaths.root.appendingPathComponent("compose/rabbitmq/users.template.json")
        let expected = try Topology().rabbitMQUserTemplate()
        if ProcessInfo.processInfo.environment["KIAMO_WRITE_DEFINITIONS"] == "1" {
            try expected.write(to: file)
        }
        let shipped = try? Data(contentsOf: file)
        #expect(shipped == expected, "compose/rabbitmq/users.template.json differs from Topology(); regenerate it with KIAMO_WRITE_DEFINITIONS=1 swift test --filter ComposeDefinitionsTests")
    }

    @Test func eachWorkerDeclaresOnlyItsSide() {
        let topology = Topology()
        let ingest = topology.declarations(for: .ingest)
        #expect(Set(ingest.queues.map(\.name)) == [topology.inboundQueue, topology.inboundDeadQueue])
        let dispatch = topology.declarations(for: .dispatch)
        #expect(!dispatch.queues.contains { $0.name == topology.inboundQueue })
        #expect(dispatch.queues.contains { $0.name == topology.sendQueue })
        #expect(topology.declarations(for: .kiamo).queues.isEmpty)
        #expect(topology.declarations(for: .admin).queues == topology.queues)
    }
}
