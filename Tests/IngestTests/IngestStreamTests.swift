import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XAPI
import XEmulator
import XEmulatorControl

/// `ingest.mode: stream` against the emulator's activity stream, a real broker and SQLite, with
/// one clock for X and the worker: drops of 10 s, 2 min and 10 min lose nothing and double nothing.
@Suite(.timeLimit(.minutes(5)))
struct IngestStreamTests {
    func expected(_ posted: PostedDirectMessage, from customer: EmulatorUser, text: String) -> KiamoMessage {
        KiamoMessage(
            id: posted.id, createdAt: Int(posted.createdAt.timeIntervalSince1970.rounded(.down)), senderId: customer.id,
            senderName: "\(customer.name)@\(customer.username)", content: text, accountId: TestEmulator.Credentials.accountID,
            conversationId: posted.conversationID)
    }

    func post(_ count: Int, on rig: StreamRig, from customers: [EmulatorUser], label: String) throws -> [KiamoMessage] {
        try (0..<count).map { index in
            let customer = customers[index % customers.count]
            let text = "\(label) n°\(index) \"quoted\" ✓ 👋🏽"
            return expected(try rig.emulator.postDM(from: customer.id, text: text), from: customer, text: text)
        }
    }

    func checkExactlyOnce(_ expected: [KiamoMessage], on rig: StreamRig) {
        let received = rig.collector.messages
        #expect(received.count == expected.count, "\(received.count) deliveries for \(expected.count) DMs")
        let byId = Dictionary(received.map { ($0.message.id, $0.message) }, uniquingKeysWith: { first, _ in first })
        for message in expected { #expect(byId[message.id] == message, "message \(message.id) arrived as \(String(describing: byId[message.id]))") }
    }

    func customers(_ rig: StreamRig, _ count: Int) throws -> [EmulatorUser] {
        try (0..<count).map { index in try rig.emulator.addUser(name: "Zoé \(index) 🌸", username: "stream\(index)_\(UUID().uuidString.prefix(4).lowercased())") }
    }

    @Test func theWorkerSubscribesAndEveryStreamedDMIsPublishedOnceWithExactFields() async throws {
        let rig = try await StreamRig.start()
        try await rig.waitForStream()
        let customers = try customers(rig, 5)
        let expected = try post(40, on: rig, from: customers, label: "live")
        try await rig.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        checkExactlyOnce(expected, on: rig)
        // The subscription is the account's dm.received on the stream, made once.
        let push = try XPushClient(
            baseURL: rig.emulator.baseURL, consumerKey: TestEmulator.Credentials.consumerKey, consumerSecret: TestEmulator.Credentials.consumerSecret,
            transport: rig.http)
        let subscriptions = try await push.activitySubscriptions()
        #expect(subscriptions.count == 1)
        #expect(subscriptions.first?.eventType == "dm.received")
        await rig.stop()
    }

    /// A drop of `outage`: the stream refused while DMs arrive, X's clock and the worker's moved
    /// on by `outage`, then the stream back. Up to 5 min X replays the gap (`backfill_minutes`);
    /// past that the reconciliation poll runs at once.
    func ride(outage: TimeInterval, on rig: StreamRig, customers: [EmulatorUser], label: String) async throws -> [KiamoMessage] {
        try await rig.control.fault(EmulatorFault(endpoint: "/2/activity/stream", kind: .status, status: 503, count: 1000))
        _ = try await rig.control.dropStreamConnections()
        try await eventually("the stream down", timeout: .seconds(10)) { try await rig.control.streamConnections().open == 0 }
        let missed = try post(3, on: rig, from: customers, label: label)
        rig.clock.advance(by: outage)
        try await rig.control.clearFaults()
        try await rig.collector.waitFor(Set(missed.map(\.id)), timeout: .seconds(60))
        try await rig.waitForStream(timeout: .seconds(60))
        return missed
    }

    /// 10 s and 2 min: only X's replay can bring the missed DMs (the reconciliation poll leaves
    /// DMs under 30 s to the push, and none runs within the test); 10 min: only the poll can.
    @Test(arguments: [10.0, 120.0, 600.0])
    func aDropOfTheStreamLosesNothingAndDoublesNothing(outage: TimeInterval) async throws {
        let rig = try await StreamRig.start()
        try await rig.waitForStream()
        let customers = try customers(rig, 3)
        var expected = try post(5, on: rig, from: customers, label: "before")
        try await rig.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        expected += try await ride(outage: outage, on: rig, customers: customers, label: "during \(Int(outage)) s")
        expected += try post(5, on: rig, from: customers, label: "after")
        try await rig.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        // A reconciliation poll now finds nothing left to publish: the paths published each once.
        _ = try await rig.engine.pollOnce()
        checkExactlyOnce(expected, on: rig)
        await rig.stop()
    }

    @Test func aStalledStreamIsClosedAndWhatItHeldIsReplayed() async throws {
        let rig = try await StreamRig.start()
        try await rig.waitForStream()
        let customers = try customers(rig, 2)
        let before = try await rig.control.streamConnections()
        // Nothing, not even a keep-alive, for 8 s: past the consumer's 3 s stall timeout.
        try await rig.control.stallStream(milliseconds: 8000)
        let held = try post(4, on: rig, from: customers, label: "held by a stalled stream")
        try await rig.collector.waitFor(Set(held.map(\.id)), timeout: .seconds(30))
        let after = try await rig.control.streamConnections()
        #expect(after.open == 1)
        #expect(after.linesSent > before.linesSent)
        checkExactlyOnce(held, on: rig)
        await rig.stop()
    }
}
