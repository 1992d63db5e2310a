import AMQP
import Foundation

/// `publishers` tasks publishing flat out to `queue` until `tally` has enough (`takeUntilEnough`),
/// each retrying what failed with `connectionLost` as callers are told to: the load the reconnect
/// and failover tests drop a connection under.
func publishUntilEnough(_ publisher: AMQPChannel, to queue: String, tally: Tally, publishers: Int) -> Task<Void, any Error> {
    Task {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<publishers {
                group.addTask {
                    while let index = await tally.takeUntilEnough() {
                        while true {
                            do {
                                try await publisher.publish(
                                    routingKey: queue, body: Data("m\(index)".utf8),
                                    properties: AMQPProperties(deliveryMode: .persistent, messageId: "m\(index)"))
                                await tally.confirm("m\(index)")
                                break
                            } catch AMQPError.connectionLost {
                                await tally.fail("m\(index)")
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
