import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import XEmulator

@Suite("Injected faults")
struct FaultTests {
    @Test func aStatusFaultAnswersXsBodyForTheNextCountRequestsOnly() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addFault(EmulatorFault(endpoint: "GET /2/dm_events", kind: .status, status: 503, count: 2))
        try harness.store.addFault(EmulatorFault(endpoint: "dm-send", kind: .status, status: 429, count: 1))
        try await harness.run { client in
            #expect(try await client.get("/2/users/me").status == 200) // not matched
            let first = try await client.get("/2/dm_events")
            #expect(first.status == 503)
            #expect(first.text == #"{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}"#)
            #expect(try await client.get("/2/dm_events").status == 503)
            #expect(try await client.get("/2/dm_events").status == 200)
            let limited = try await client.postJSON("/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages", #"{"text":"x"}"#)
            #expect(limited.status == 429)
            #expect(limited.header("x-rate-limit-remaining") == "0" && limited.header("x-rate-limit-reset") != nil)
            #expect(harness.store.sent().isEmpty)
            #expect(harness.store.faults().isEmpty)
            let stats = harness.store.stats()
            #expect(stats.faultsApplied == 3)
            #expect(stats.count("GET /2/dm_events", status: 503) == 2)
        }
    }

    @Test func aPathPrefixFaultMatchesEveryMethodUnderIt() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addFault(EmulatorFault(endpoint: "/1.1/", kind: .status, status: 500, count: 1))
        try await harness.run { client in
            let reply = try await client.get("/1.1/users/show.json?user_id=1234")
            #expect(reply.status == 500 && reply.text.contains("\"code\":131"))
            #expect(try await client.get("/1.1/users/show.json?user_id=1234").status == 200)
        }
    }

    @Test func aDelayFaultWaitsThenAnswersNormally() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addFault(EmulatorFault(kind: .delay, delayMs: 300, count: 1))
        try await harness.run { client in
            let clock = ContinuousClock()
            let started = clock.now
            let reply = try await client.get("/2/users/me")
            #expect(reply.status == 200)
            #expect(clock.now - started >= .milliseconds(300))
        }
    }

    @Test func aMalformedFaultAnswers200WithInvalidJSON() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addFault(EmulatorFault(kind: .malformed, count: 1))
        try await harness.run { client in
            let reply = try await client.get("/2/dm_events")
            #expect(reply.status == 200)
            #expect((try? JSONSerialization.jsonObject(with: reply.body)) == nil)
        }
    }

    @Test func aDropFaultClosesTheConnectionWithoutAnAnswer() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addFault(EmulatorFault(endpoint: "/2/users/me", kind: .drop, count: 1))
        try await harness.emulator.application().test(.live) { client in
            await #expect(throws: (any Error).self) {
                _ = try await client.execute(uri: "/2/users/me", method: .get)
            }
            #expect(harness.store.stats().count("GET /2/users/me", status: 0) == 0)
            #expect(harness.store.stats().requests["GET /2/users/me"]?["dropped"] == 1)
        }
    }

    @Test func aLateAnswerFaultStoresTheDMBeforeItWaits() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addFault(EmulatorFault(endpoint: "dm-send", kind: .lateAnswer, delayMs: 400, count: 1))
        try await harness.emulator.application().test(.live) { client in
            let client = HarnessClient(client: client, harness: harness)
            let send = Task {
                try await client.postJSON("/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages", #"{"text":"late"}"#)
            }
            // X stored the DM while the caller still waits for the answer.
            try await eventually("the DM to be stored before the answer", timeout: .seconds(60), every: .milliseconds(10)) {
                harness.store.sent().count == 1
            }
            let reply = try await send.value
            #expect(reply.status == 201)
            #expect(harness.store.sent().map(\.text) == ["late"])
            #expect(harness.store.stats().faultsApplied == 1)
        }
    }

    @Test func aLostAnswerFaultStoresTheDMAndClosesTheConnectionWithoutAnAnswer() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addFault(EmulatorFault(endpoint: "dm-send", kind: .lostAnswer, count: 1))
        try await harness.emulator.application().test(.live) { client in
            let client = HarnessClient(client: client, harness: harness)
            let target = "/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages"
            await #expect(throws: (any Error).self) {
                _ = try await client.postJSON(target, #"{"text":"lost"}"#)
            }
            #expect(harness.store.sent().map(\.text) == ["lost"])
            #expect(harness.store.stats().requests["POST /2/dm_conversations/with/:participant_id/messages"]?["dropped"] == 1)
        }
    }

    @Test func refusesAFaultItCannotApply() {
        let store = EmulatorStore(configuration: TestEmulator.configuration())
        #expect(throws: EmulatorStoreError.self) { try store.addFault(EmulatorFault(kind: .status, count: 1)) }
        #expect(throws: EmulatorStoreError.self) { try store.addFault(EmulatorFault(kind: .delay, count: 1)) }
        #expect(throws: EmulatorStoreError.self) { try store.addFault(EmulatorFault(kind: .drop, count: 0)) }
        #expect(throws: EmulatorStoreError.self) { try store.addFault(EmulatorFault(kind: .lateAnswer, count: 1)) }
    }
}
