import DequeModule

/// Everything the connection thread knows about one channel. Thread-confined.
final class ChannelState {
    let number: UInt16
    /// Bumped on every (re)open, so deliveries of an earlier life are recognised as stale.
    var generation: UInt64 = 0
    var isOpen = false
    /// Prefetch to restore after a reopen.
    var qos: (count: UInt16, global: Bool)?
    var confirms = ConfirmTracker<PublishCompletion>()
    /// Synchronous methods in order; the first is on the wire when `rpcInFlight`.
    var rpcs: Deque<PendingRPC> = []
    var rpcInFlight = false
    /// The message whose frames are arriving.
    var content: PendingContent?
    var consumers: [String: ConsumerState] = [:]
    /// Consumer tags in start order, to resume them in the same order.
    var consumerOrder: [String] = []

    init(number: UInt16) {
        self.number = number
    }

    func addConsumer(_ registration: ConsumerRegistration) {
        if consumers[registration.tag] == nil { consumerOrder.append(registration.tag) }
        consumers[registration.tag] = ConsumerState(registration)
    }

    /// Forgets a consumer and ends its stream (with `error`, or normally).
    func removeConsumer(_ tag: String, error: AMQPError?) {
        guard let consumer = consumers.removeValue(forKey: tag) else { return }
        consumerOrder.removeAll { $0 == tag }
        if let error {
            consumer.registration.deliveries.finish(throwing: error)
        } else {
            consumer.registration.deliveries.finish()
        }
    }
}
