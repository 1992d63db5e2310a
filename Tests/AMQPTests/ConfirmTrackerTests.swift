import Testing

@testable import AMQP

@Suite("Publisher-confirm bookkeeping")
struct ConfirmTrackerTests {
    func outcomes(_ settled: [(String, ConfirmTracker<String>.Outcome)]) -> [String] {
        settled.map { waiter, outcome in
            switch outcome {
            case .acked: "\(waiter):ack"
            case .nacked: "\(waiter):nack"
            case .returned: "\(waiter):returned"
            }
        }
    }

    @Test func tagsFollowPublishOrderFromOne() {
        var tracker = ConfirmTracker<String>()
        #expect(["a", "b", "c"].map { tracker.register($0) } == [1, 2, 3])
        #expect(tracker.outstanding == 3)
    }

    @Test func aMultipleAckSettlesEveryTagUpToIt() {
        var tracker = ConfirmTracker<String>()
        for name in ["a", "b", "c", "d"] { _ = tracker.register(name) }
        #expect(outcomes(tracker.settle(tag: 3, multiple: true, ack: true)) == ["a:ack", "b:ack", "c:ack"])
        #expect(tracker.outstanding == 1)
        #expect(outcomes(tracker.settle(tag: 4, multiple: false, ack: false)) == ["d:nack"])
        #expect(tracker.outstanding == 0)
    }

    @Test func singleAcksMayArriveOutOfOrderAndAMultipleSkipsWhatIsSettled() {
        var tracker = ConfirmTracker<String>()
        for name in ["a", "b", "c", "d"] { _ = tracker.register(name) }
        #expect(outcomes(tracker.settle(tag: 2, multiple: false, ack: true)) == ["b:ack"])
        #expect(outcomes(tracker.settle(tag: 2, multiple: false, ack: true)) == [])
        #expect(outcomes(tracker.settle(tag: 4, multiple: true, ack: false)) == ["a:nack", "c:nack", "d:nack"])
        #expect(tracker.outstanding == 0)
        #expect(tracker.register("e") == 5)
        #expect(outcomes(tracker.settle(tag: 5, multiple: false, ack: true)) == ["e:ack"])
    }

    @Test func aReturnedPublishFailsWhenItsAckArrives() {
        var tracker = ConfirmTracker<String>()
        _ = tracker.register("a")
        let tag = tracker.register("b")
        tracker.markReturned(tag: tag, error: .unroutable(exchange: "x", routingKey: "k", replyCode: 312, replyText: "NO_ROUTE"))
        #expect(outcomes(tracker.settle(tag: 2, multiple: true, ack: true)) == ["a:ack", "b:returned"])
    }

    @Test func resetHandsBackEveryOutstandingPublishAndRestartsTags() {
        var tracker = ConfirmTracker<String>()
        for name in ["a", "b", "c"] { _ = tracker.register(name) }
        _ = tracker.settle(tag: 2, multiple: false, ack: true)
        #expect(tracker.reset() == ["a", "c"])
        #expect(tracker.outstanding == 0)
        #expect(tracker.register("d") == 1)
        #expect(outcomes(tracker.settle(tag: 99, multiple: false, ack: true)) == [])
    }
}
