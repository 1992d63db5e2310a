import Foundation
import KiamoTwitter
import SharedState
import XEmulator

/// The exactly-once promise checked against one seed's `ChaosObservation` (pure): every DM reached
/// Kiamo once, every reply was posted once and in order per customer, with a `sent` report naming
/// its DM (at least one; repeats must say the same), nothing left in any queue, every process
/// ended cleanly.
/// `failures` break the promise; `notes` are what the connector's README allows (a reply whose
/// `send()` outcome was unknown posted twice) and are shown so their frequency stays visible.
struct ChaosVerdict: Sendable {
    private(set) var failures: [String] = []
    private(set) var notes: [String] = []
    /// The commands of replies posted more than once, whose workers' log lines a failure shows.
    private(set) var doubledCommands: [String] = []

    var passed: Bool { failures.isEmpty }

    init(_ observation: ChaosObservation) {
        let customers = Dictionary(observation.posted.map { ($0.customer.id, "customer \($0.customer.index + 1)") }, uniquingKeysWith: { first, _ in first })
        if let problem = observation.drainProblem { failures.append("drain: \(problem)") }
        for name in observation.diedOnTheirOwn { failures.append("\(name) died without being killed") }
        for (name, exit) in observation.exits.sorted(by: { $0.key < $1.key }) where exit != .exited(0) {
            failures.append("\(name) \(exit) on SIGTERM")
        }
        guard let agent = observation.agent else {
            failures.append("the agent stored no state: nothing reached Kiamo")
            return
        }
        checkDMs(observation.posted, agent: agent)
        checkReplies(agent: agent, sent: observation.sent, customers: customers)
        checkReports(observation.reports, agent: agent, sent: observation.sent, ledger: observation)
        for (queue, depth) in observation.depths.sorted(by: { $0.key < $1.key }) where depth > 0 {
            failures.append("\(depth) message(s) left in \(queue)")
        }
    }

    /// Every DM reached Kiamo exactly once, after the connector's de-duplication.
    private mutating func checkDMs(_ posted: [PostedDM], agent: AgentState) {
        let counts = Dictionary(agent.received.map { ($0.id, 1) }, uniquingKeysWith: +)
        let doubled = posted.filter { counts[$0.id, default: 0] > 1 }
        let missing = posted.filter { counts[$0.id] == nil }
        if !doubled.isEmpty {
            failures.append(
                "\(doubled.count) DM(s) reached Kiamo more than once: "
                    + doubled.map { "\($0.id) ×\(counts[$0.id, default: 0])" }.joined(separator: ", "))
        }
        if !missing.isEmpty {
            failures.append("\(missing.count) DM(s) never reached Kiamo: " + missing.map(\.id).joined(separator: ", "))
        }
        let strangers = Set(counts.keys).subtracting(posted.map(\.id))
        if !strangers.isEmpty { failures.append("Kiamo received messages no customer wrote: \(strangers.sorted())") }
    }

    /// Every reply the agent sent reached X once (twice allowed only where `send()`'s outcome was
    /// unknown, as the connector documents), and each customer's replies in the agent's order.
    private mutating func checkReplies(agent: AgentState, sent: [SentDirectMessage], customers: [String: String]) {
        let uncertain = Set(agent.uncertain)
        let postedCount = Dictionary(sent.map { ($0.text, 1) }, uniquingKeysWith: +)
        var doubled: [String] = []
        var allowed: [String] = []
        var missing: [String] = []
        for reply in agent.replies {
            let count = postedCount[reply.text, default: 0]
            if count == 0 {
                missing.append("reply to \(reply.message) (command \(reply.command))")
            } else if count > 1 {
                let line = "reply to \(reply.message) (command \(reply.command)) ×\(count)"
                if uncertain.contains(reply.message) && count == 2 {
                    allowed.append(line)
                } else {
                    doubled.append(line)
                    doubledCommands.append(reply.command)
                }
            }
        }
        if !doubled.isEmpty { failures.append("\(doubled.count) reply(ies) posted more than once: " + doubled.joined(separator: ", ")) }
        if !missing.isEmpty { failures.append("\(missing.count) reply(ies) never posted: " + missing.joined(separator: ", ")) }
        if !allowed.isEmpty { notes.append("\(allowed.count) reply(ies) posted twice after an unknown send() outcome (connector README): " + allowed.joined(separator: ", ")) }
        let replied = Set(agent.replies.map(\.text))
        let strays = sent.filter { !replied.contains($0.text) }
        if !strays.isEmpty { failures.append("\(strays.count) DM(s) posted that no reply asked for: \(strays.map(\.dmEventID))") }
        let pending = agent.pending
        if !pending.isEmpty { failures.append("\(pending.count) message(s) the agent never answered: \(pending)") }

        // Order per customer: X's order of first appearance against the agent's order of sending.
        var outOfOrder: [String] = []
        for recipient in Set(agent.replies.map(\.to)).sorted() {
            let expected = agent.replies.filter { $0.to == recipient }.map(\.text)
            let position = Dictionary(expected.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
            var seen = Set<String>()
            let actual = sent.filter { $0.recipientID == recipient && position[$0.text] != nil && seen.insert($0.text).inserted }
                .compactMap { position[$0.text] }
            if actual != actual.sorted() {
                outOfOrder.append("\(customers[recipient] ?? recipient) got replies in the order \(actual) (agent sent 0…\(expected.count - 1))")
            }
        }
        if !outOfOrder.isEmpty { failures.append("replies out of order: " + outOfOrder.joined(separator: "; ")) }
    }

    /// A `sent` report per reply naming the DM X holds; the ledger says sent with that DM.
    private mutating func checkReports(_ reports: [DeliveryReport], agent: AgentState, sent: [SentDirectMessage], ledger observation: ChaosObservation) {
        let byCommand = Dictionary(grouping: reports, by: \.commandId)
        let sentById = Dictionary(sent.map { ($0.dmEventID, $0) }, uniquingKeysWith: { first, _ in first })
        var missing: [String] = []
        var wrong: [String] = []
        var repeated: [String] = []
        for reply in agent.replies {
            let mine = byCommand[reply.command] ?? []
            if mine.isEmpty { missing.append(reply.command); continue }
            if mine.count > 1 { repeated.append("\(reply.command) ×\(mine.count)") }
            let dms = Set(mine.map { $0.dmEventId ?? "none" })
            if mine.contains(where: { $0.status != .sent }) || dms.count != 1 || dms.first.flatMap({ sentById[$0]?.text }) != reply.text {
                wrong.append("\(reply.command): \(mine.map { "\($0.status.rawValue) \($0.dmEventId ?? "no DM")\($0.error.map { " \($0.code)" } ?? "")" })")
            }
            switch observation.ledger[reply.command] {
            case .sent(let dmEventId, _, _) where sentById[dmEventId]?.text == reply.text:
                break
            case let state:
                wrong.append("\(reply.command): send ledger \(state?.name ?? "missing")")
            }
        }
        if !missing.isEmpty { failures.append("\(missing.count) reply(ies) without a report: \(missing)") }
        if !wrong.isEmpty { failures.append("reports or ledger disagree with X: " + wrong.joined(separator: "; ")) }
        // Reports are at least once (README "Exactly one DM per command"): a repeat that says the
        // same (status and DM, same message_id) is allowed and shown; one that differs is in `wrong`.
        if !repeated.isEmpty {
            notes.append(
                "\(repeated.count) command(s) reported more than once, each time with the same status and DM (reports are at least once): "
                    + repeated.joined(separator: ", "))
        }
        let known = Set(agent.replies.map(\.command))
        let uncertainTexts = Set(agent.replies.filter { agent.uncertain.contains($0.message) }.map(\.text))
        let unknown = byCommand.filter { !known.contains($0.key) && !($0.value.compactMap { $0.dmEventId.flatMap { sentById[$0]?.text } }.allSatisfy(uncertainTexts.contains)) }
        if !unknown.isEmpty { failures.append("reports of commands no reply accounts for: \(unknown.keys.sorted())") }
        let reported = Set(reports.compactMap(\.dmEventId))
        let unreported = sent.filter { !reported.contains($0.dmEventID) }
        if !unreported.isEmpty { failures.append("\(unreported.count) DM(s) at X without a report: \(unreported.map(\.dmEventID))") }
    }
}
