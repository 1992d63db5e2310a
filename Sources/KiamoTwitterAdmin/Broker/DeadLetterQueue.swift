import AMQP
import Foundation
import KiamoTwitter

/// `kiamo-twitter dead-letters list | replay`, on `<exchange>.send.dead`.
///
/// `list` does not consume: it takes up to `limit` messages with `basic.get` and manual
/// acknowledgement, then hands every one back (`nack` with requeue), so they stay in the queue,
/// marked redelivered. `replay` republishes each chosen one to the main exchange with its
/// `send.<account>` routing key, waits for the broker's confirm, and only then acknowledges the
/// dead letter; the others are handed back. A failure leaves every message not yet confirmed in
/// the queue.
public struct DeadLetterQueue: Sendable {
    let session: AdminSession

    /// The operation, through `session` (which opens what it needs on first use).
    public init(session: AdminSession) {
        self.session = session
    }

    /// At most `limit` dead letters, every one handed back to the queue.
    public func list(limit: Int) async throws -> DeadLetterReport {
        guard limit >= 1 else { throw AdminError.usage("--limit must be at least 1") }
        let (channel, queue) = try await open()
        var taken: [AMQPDelivery] = []
        do {
            while taken.count < limit, let delivery = try await channel.get(queue: queue) { taken.append(delivery) }
        } catch {
            await handBack(taken, on: channel)
            throw error
        }
        let remaining = taken.last?.messageCount.map(Int.init) ?? 0
        await handBack(taken, on: channel)
        try? await channel.close()
        return DeadLetterReport(queue: queue, action: "list", letters: taken.map(DeadLetter.init), notShown: remaining, replayed: [])
    }

    /// Replays the dead letter `id` (or every one, looking at most at `limit`); `progress` hears each.
    /// `dryRun`: look at what would be replayed and hand every message back, moving nothing.
    public func replay(id: String?, limit: Int, dryRun: Bool = false, progress: @Sendable (String) -> Void = { _ in }) async throws -> DeadLetterReport {
        guard limit >= 1 else { throw AdminError.usage("--limit must be at least 1") }
        let topology = Topology(session.configuration)
        let (channel, queue) = try await open()
        let waiting = Int(try await channel.queueDeclare(queue, passive: true).messageCount)
        progress(
            "\(queue): \(waiting) dead letter(s); \(dryRun ? "would replay" : "replaying") "
                + (id.map { "the one with id \($0)" } ?? "every one, at most \(limit)"))
        var kept: [AMQPDelivery] = []
        var replayed: [DeadLetter] = []
        var seen = 0
        do {
            while seen < limit, let delivery = try await channel.get(queue: queue) {
                seen += 1
                let letter = DeadLetter(delivery)
                guard id.map(letter.matches) ?? true else {
                    kept.append(delivery)
                    continue
                }
                guard let message = letter.replay(of: delivery, exchange: topology.exchange) else {
                    progress("skipped \(letter.id ?? "?"): no account in its routing key, header or body")
                    kept.append(delivery)
                    continue
                }
                if dryRun {
                    kept.append(delivery)
                } else {
                    try await channel.publish(
                        exchange: message.exchange, routingKey: message.routingKey, body: message.body,
                        properties: message.properties, mandatory: true)
                    try await channel.ack(delivery)
                }
                replayed.append(letter)
                progress("\(dryRun ? "would replay" : "replayed") \(replayed.count)/\(min(waiting, limit)): \(letter.id ?? "?") -> \(message.routingKey)")
                if id != nil { break }
            }
        } catch {
            await handBack(kept, on: channel)
            throw AdminError.failed("replay stopped after \(replayed.count) message(s): \(error); the rest is still in \(queue)")
        }
        await handBack(kept, on: channel)
        try? await channel.close()
        if let id, replayed.isEmpty {
            throw AdminError.failed("no dead letter with id \(id) among the \(seen) message(s) of \(queue) looked at")
        }
        return DeadLetterReport(queue: queue, action: dryRun ? "dry-run" : "replay", letters: [], notShown: 0, replayed: replayed)
    }

    private func open() async throws -> (AMQPChannel, String) {
        let queue = Topology(session.configuration).sendDeadQueue
        let channel = try await session.channel()
        do {
            _ = try await channel.queueDeclare(queue, passive: true)
        } catch AMQPError.channelClosed(_, 404, _) {
            throw AdminError.failed("queue \(queue) does not exist: run `kiamo-twitter setup` (or start a worker) first")
        }
        return (channel, queue)
    }

    /// Returns taken messages to the queue (nack with requeue), oldest first.
    private func handBack(_ deliveries: [AMQPDelivery], on channel: AMQPChannel) async {
        for delivery in deliveries {
            try? await channel.nack(delivery, requeue: true)
        }
    }
}
