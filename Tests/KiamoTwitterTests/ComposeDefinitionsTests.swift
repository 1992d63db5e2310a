import Foundation
import Testing
import TestSupport
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
}
