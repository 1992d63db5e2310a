import Foundation
import Synchronization
import TestSupport
import Testing

@testable import KiamoTwitter

@Suite struct DispatchConcurrencyTests {
    // MARK: SerialLanes

    @Test func onlyTheFirstItemOfAnIdleLaneStartsADrainerAndItemsComeOutInOrder() {
        let lanes = SerialLanes<String, Int>()
        #expect(lanes.enqueue(1, key: "a"))
        #expect(!lanes.enqueue(2, key: "a"))
        #expect(lanes.enqueue(10, key: "b"))
        #expect(!lanes.enqueue(3, key: "a"))
        #expect(lanes.next(after: "a") == 1)
        #expect(lanes.next(after: "a") == 2)
        #expect(lanes.next(after: "b") == 10)
        #expect(lanes.next(after: "a") == 3)
        // While the drainer holds 3, a new item joins its lane rather than starting another drainer.
        #expect(!lanes.enqueue(4, key: "a"))
        #expect(lanes.next(after: "a") == 4)
        #expect(lanes.next(after: "a") == nil)
        #expect(lanes.next(after: "b") == nil)
        // Closed: the next item starts a new drainer.
        #expect(lanes.enqueue(5, key: "a"))
        #expect(lanes.counts.lanes == 1)
    }

    @Test func aHeadRedeliveredBehindALaterItemIsHandledFirstAndTheLaterOneRightAfter() {
        // The broker redelivered 3, 1, 2 to one lane; the line says 1 goes first.
        let lanes = SerialLanes<String, Int>()
        _ = lanes.enqueue(3, key: "a")
        _ = lanes.enqueue(1, key: "a")
        _ = lanes.enqueue(2, key: "a")
        let taken = lanes.next(after: "a")
        #expect(taken == 3 && lanes.hasWaiting("a"))
        #expect(lanes.promote(in: "a", where: { $0 == 1 }, puttingBack: 3) == 1)
        #expect(lanes.promote(in: "a", where: { $0 == 9 }, puttingBack: 3) == nil) // not waiting: nothing moves
        #expect(lanes.removeAllWaiting() == [3, 2])
    }

    @Test func shutdownTakesEveryWaitingItemAndTheDrainersFindTheirLanesEmpty() {
        let lanes = SerialLanes<String, Int>()
        _ = lanes.enqueue(1, key: "a")
        _ = lanes.enqueue(2, key: "a")
        _ = lanes.enqueue(3, key: "b")
        #expect(lanes.next(after: "a") == 1) // held by its drainer
        #expect(lanes.removeAllWaiting().sorted() == [2, 3])
        #expect(lanes.next(after: "a") == nil)
        #expect(lanes.next(after: "b") == nil)
        #expect(lanes.counts.lanes == 0)
    }

    @Test func concurrentDrainersKeepEachKeysOrder() async {
        let lanes = SerialLanes<Int, Int>()
        let seen = Shared<[Int: [Int]]>([:])
        await withTaskGroup(of: Void.self) { group in
            for value in 0..<2000 {
                let key = value % 7
                if lanes.enqueue(value, key: key) {
                    group.addTask {
                        while let item = lanes.next(after: key) {
                            if item % 3 == 0 { await Task.yield() }
                            seen.withLock { $0[key, default: []].append(item) }
                        }
                    }
                }
            }
        }
        let result = seen.withLock { $0 }
        #expect(result.values.reduce(0) { $0 + $1.count } == 2000)
        for (_, items) in result { #expect(items == items.sorted()) }
    }

    // MARK: ConcurrencyLimit

    @Test func noMoreThanTheLimitHoldASlotAtOnce() async throws {
        let limit = ConcurrencyLimit(limit: 3)
        let current = Shared(0)
        let peak = Shared(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await limit.withSlot {
                        let now = current.withLock {
                            $0 += 1; return $0
                        }
                        peak.withLock { $0 = max($0, now) }
                        for _ in 0..<3 { await Task.yield() }
                        current.withLock { $0 -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(peak.withLock { $0 } == 3)
        #expect(limit.inUse == 0)
    }

    @Test func aCancelledWaiterTakesNoSlot() async throws {
        let limit = ConcurrencyLimit(limit: 1)
        try await limit.acquire()
        let waiter = Task { try await limit.acquire() }
        try await eventually("the second acquirer to wait") { limit.waiting == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        limit.release()
        #expect(limit.inUse == 0)
        try await limit.acquire()
        #expect(limit.inUse == 1)
        limit.release()
    }

    // MARK: SuspectGate

    @Test func aSuspectWaitsForTheOrdinaryInHandAndNothingStartsBesideIt() async throws {
        let gate = SuspectGate()
        try await gate.enter(.ordinary)
        try await gate.enter(.ordinary)
        let suspect = Task { try await gate.enter(.suspect) }
        try await eventually("the suspect to wait") { gate.counts.waiting == 1 }
        // An ordinary command arriving now waits behind the suspect.
        let later = Task { try await gate.enter(.ordinary) }
        try await eventually("the later command to wait") { gate.counts.waiting == 2 }
        gate.leave(.ordinary)
        #expect(gate.counts.suspect == false)
        gate.leave(.ordinary)
        try await suspect.value
        #expect(gate.counts.suspect && gate.counts.ordinary == 0 && gate.counts.waiting == 1)
        gate.leave(.suspect)
        try await later.value
        #expect(gate.counts.ordinary == 1 && !gate.counts.suspect)
        gate.leave(.ordinary)
    }

    @Test func aCancelledSuspectLetsTheOrdinaryBehindItIn() async throws {
        let gate = SuspectGate()
        try await gate.enter(.ordinary)
        let suspect = Task { try await gate.enter(.suspect) }
        try await eventually("the suspect to wait") { gate.counts.waiting == 1 }
        let later = Task { try await gate.enter(.ordinary) }
        try await eventually("the later command to wait") { gate.counts.waiting == 2 }
        suspect.cancel()
        await #expect(throws: CancellationError.self) { try await suspect.value }
        try await later.value
        #expect(gate.counts.ordinary == 2 && gate.counts.waiting == 0)
        gate.leave(.ordinary)
        gate.leave(.ordinary)
    }
}

/// A value tasks share in these tests.
private final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
