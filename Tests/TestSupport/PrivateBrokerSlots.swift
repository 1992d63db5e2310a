import Foundation
import Synchronization

/// How many private brokers may live at once in one test process.
///
/// Each private broker is an Erlang node that takes seconds of CPU to boot, and the tests that
/// want one (broker restarts, outages, whole stacks of processes) are the heaviest of the suite.
/// Swift Testing starts every suite at once: on a 2-core machine eight nodes booting together
/// took more than 90 s (`scripts/test-broker` waits 180 s now), and the timed tests running beside them failed.
/// A test waits here, suspended and costing nothing, until a slot is free.
/// `KIAMO_TEST_PRIVATE_BROKERS` sets the number (default 2).
actor PrivateBrokerSlots {
    static let shared = PrivateBrokerSlots(
        limit: ProcessInfo.processInfo.environment["KIAMO_TEST_PRIVATE_BROKERS"].flatMap(Int.init).map { max(1, $0) } ?? 2
    )

    private let limit: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot to the first waiter, or frees it.
    func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
