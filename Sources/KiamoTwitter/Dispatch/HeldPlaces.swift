import AMQP
import SharedState
import Synchronization

/// The deliveries this process holds whose commands have not asked their recipients' lines yet
/// (waiting in a lane, at the suspect gate), by delivery, with the place each took on arrival.
///
/// Two things read it. The engine renews those places every third of the posting window
/// (`RecipientLines.keepPlaces`): a place lasts one window from its last renewal, so a dead
/// process's commands stop holding their lines soon, while a live process's keep their places
/// however long they wait (behind slow posts in a lane, one held longer than the window lost its
/// place, and a later reply reaching the other process went first). And a command whose head
/// is held here does not wait for it: the head waits behind it.
///
/// Keyed by delivery, not command: two deliveries of one command may be held at once (a copy
/// back from a tier beside a redelivery), and each is released once when it asks or leaves.
final class HeldPlaces: Sendable {
    /// One delivery: its channel generation and tag.
    struct Key: Hashable, Sendable {
        var generation: UInt64
        var deliveryTag: UInt64

        init(_ command: QueuedCommand) {
            generation = command.generation
            deliveryTag = command.deliveryTag
        }
    }

    private let held = Mutex<[Key: LineArrival]>([:])

    init() {}

    /// The deliveries arrived and waiting.
    func hold(_ arrivals: [(key: Key, arrival: LineArrival)]) {
        guard !arrivals.isEmpty else { return }
        held.withLock { held in
            for (key, arrival) in arrivals { held[key] = arrival }
        }
    }

    /// The delivery asks its line now, or leaves the process (settled, handed back, dropped as
    /// stale): its place is no longer renewed from here. Releasing twice is harmless.
    func release(_ key: Key) {
        _ = held.withLock { $0.removeValue(forKey: key) }
    }

    /// True when a delivery of `commandId` waits here.
    func contains(commandId: String) -> Bool {
        held.withLock { held in held.values.contains { $0.commandId == commandId } }
    }

    /// The places to renew, one per command.
    var arrivals: [LineArrival] {
        held.withLock { Array(Set($0.values)) }
    }

    /// Deliveries held.
    var count: Int { held.withLock { $0.count } }
}
