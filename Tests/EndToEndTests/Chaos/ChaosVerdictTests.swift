import Foundation
import KiamoTwitter
import SharedState
import Testing
import XEmulator

/// The chaos suite's pure parts, run in every `swift test`: a seed's schedule is the same on
/// every run, the seeds come from the environment as documented, and the verdict names the
/// doubled, missing and out-of-order messages it is there to find.
struct ChaosVerdictTests {
    @Test func aSeedDrawsTheSameScheduleEveryTime() {
        let first = ChaosSchedule(seed: 42)
        let again = ChaosSchedule(seed: 42)
        #expect(first.steps == again.steps && first.dms == again.dms)
        #expect(first.steps != ChaosSchedule(seed: 43).steps)
        #expect(first.dms.count == ChaosSchedule.dmCount && !first.steps.isEmpty)
        #expect(first.steps.allSatisfy { $0.atMs < first.faultWindowMs })
    }

    @Test func seedsComeFromTheEnvironment() throws {
        let day = Date(timeIntervalSince1970: 86_400 * 3 + 5)
        #expect(try ChaosSeeds.seeds(environment: ["KIAMO_CHAOS_SEED": "123", "KIAMO_CHAOS_SEEDS": "1,2"], today: day) == [123])
        #expect(try ChaosSeeds.seeds(environment: ["KIAMO_CHAOS_SEEDS": "7, 8,9"], today: day) == [7, 8, 9])
        #expect(try ChaosSeeds.seeds(environment: ["KIAMO_CHAOS_RUNS": "5"], today: day).count == 5)
        #expect(try ChaosSeeds.seeds(environment: [:], today: day) == [30, 31, 32])
        #expect(throws: ChaosSeeds.Unreadable.self) { try ChaosSeeds.seeds(environment: ["KIAMO_CHAOS_SEED": "abc"], today: day) }
        #expect(throws: ChaosSeeds.Unreadable.self) { try ChaosSeeds.seeds(environment: ["KIAMO_CHAOS_RUNS": "0"], today: day) }
    }

    @Test func aCleanRunPasses() throws {
        let verdict = ChaosVerdict(try observation(received: ["1", "2", "3"], sentOrder: [0, 1, 2]))
        #expect(verdict.passed, "\(verdict.failures)")
    }

    @Test func theVerdictNamesADoubledDMADoubledReplyAndRepliesOutOfOrder() throws {
        let verdict = ChaosVerdict(try observation(received: ["1", "2", "2", "3"], sentOrder: [0, 2, 1, 2]))
        #expect(!verdict.passed)
        #expect(verdict.failures.contains { $0.contains("reached Kiamo more than once: 2 ×2") })
        #expect(verdict.failures.contains { $0.contains("posted more than once: reply to 3") })
        #expect(verdict.failures.contains { $0.contains("customer 1 got replies in the order [0, 2, 1]") })
    }

    @Test func aMissingDMAndALeftoverMessageFail() throws {
        var seen = try observation(received: ["1", "3"], sentOrder: [0, 1])
        seen.depths["kiamo.twitter.send"] = 2
        let verdict = ChaosVerdict(seen)
        #expect(verdict.failures.contains { $0.contains("never reached Kiamo: 2") })
        #expect(verdict.failures.contains { $0 == "2 message(s) left in kiamo.twitter.send" })
    }

    @Test func aReportRepeatedAsIsIsShownButPassesAndARepeatThatDisagreesFails() throws {
        // Reports are at least once (README): a repeat says the same (command, status, DM) and
        // consumers drop it by its message_id; one that says something else is a broken promise.
        var seen = try observation(received: ["1", "2", "3"], sentOrder: [0, 1, 2])
        seen.reports.append(seen.reports[0])
        let repeated = ChaosVerdict(seen)
        #expect(repeated.passed, "\(repeated.failures)")
        #expect(repeated.notes.contains { $0 == "1 command(s) reported more than once, each time with the same status and DM (reports are at least once): c0 ×2" })

        var other = seen.reports[0]
        other.dmEventId = "x1"
        seen.reports.append(other)
        let differing = ChaosVerdict(seen)
        #expect(differing.failures.contains { $0.hasPrefix("reports or ledger disagree with X: c0:") })
    }

    /// One customer wrote DMs 1, 2, 3; the agent received `received` and answered each distinct
    /// one in order; X posted the replies in `sentOrder` (indexes into the answers).
    private func observation(received: [String], sentOrder: [Int]) throws -> ChaosObservation {
        let customer = Customer(index: 0, id: "900", name: "Ana", username: "ana")
        let posted = ["1", "2", "3"].map { PostedDM(id: $0, customer: customer, text: "dm \($0)", createdAtMilliseconds: 0, round: 0) }
        let answered = received.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let replies = answered.enumerated().map { (message: $0.element, command: "c\($0.offset)", text: "re \($0.element)") }
        let state: [String: Any] = [
            "received": received.map { ["id": $0, "createdAt": 0, "senderId": "900", "senderName": "Ana@ana", "content": "dm \($0)"] },
            "pending": [String](), "uncertain": [String](), "incarnations": 1,
            "replies": replies.map { ["message": $0.message, "command": $0.command, "to": "900", "text": $0.text] },
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-verdict-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: state).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let agent = try AgentState.read(file.path)
        let sent = try sentOrder.enumerated().map { position, index in
            // As the control API lists it (the type has no public initializer).
            let json: [String: Any] = [
                "account": "1", "recipientID": "900", "conversationID": "1-900", "dmEventID": "x\(position)",
                "text": replies[index].text, "mediaIDs": [String](), "createdAt": 0, "api": "v2",
            ]
            return try JSONDecoder().decode(SentDirectMessage.self, from: JSONSerialization.data(withJSONObject: json))
        }
        let reports = sent.map { dm in
            DeliveryReport(commandId: replies.first { $0.text == dm.text }?.command ?? "", status: .sent, dmEventId: dm.dmEventID, attempts: 1, at: Date())
        }
        var ledger: [String: SendState] = [:]
        for reply in replies {
            if let dm = sent.first(where: { $0.text == reply.text }) { ledger[reply.command] = .sent(dmEventId: dm.dmEventID, conversationId: nil, at: Date()) }
        }
        return ChaosObservation(
            posted: posted, agent: agent, sent: sent, reports: reports,
            depths: ["kiamo.twitter.send": 0], exits: [:], diedOnTheirOwn: [], ledger: ledger)
    }
}
