import TestSupport
import XEmulator

/// What one seed does: when each customer writes, and which disturbance happens when. Drawn from
/// the seed alone (pure), so a failing seed replays the same schedule; the workers' own timing
/// still varies from run to run, which is why several seeds run, and why the suite prints the
/// steps as they actually happened.
struct ChaosSchedule: Sendable, CustomStringConvertible {
    struct Step: Sendable, Equatable {
        /// Milliseconds after the traffic started.
        let atMs: Int
        let action: ChaosAction
    }

    struct DM: Sendable, Equatable {
        let atMs: Int
        /// Index of the customer writing it.
        let customer: Int
    }

    let seed: UInt64
    let steps: [Step]
    let dms: [DM]
    /// How long faults go on, in milliseconds after the traffic started.
    let faultWindowMs: Int

    static let customerCount = 6
    static let dmCount = 60
    /// The worker's X client timeout (`KIAMO_TWITTER_API_TIMEOUT` of `ChaosStack`): late answers
    /// come after it.
    static let apiTimeoutMs = 2000

    init(seed: UInt64) {
        self.seed = seed
        var random = SeededGenerator(seed: seed)
        var dms: [DM] = []
        var at = 0
        for _ in 0..<Self.dmCount {
            at += Int.random(in: 120...650, using: &random)
            dms.append(DM(atMs: at, customer: Int.random(in: 0..<Self.customerCount, using: &random)))
        }
        self.dms = dms
        faultWindowMs = at + 1500
        var steps: [Step] = []
        var next = Int.random(in: 300...1500, using: &random)
        while next < faultWindowMs {
            let action = Self.action(using: &random)
            steps.append(Step(atMs: next, action: action))
            next += Int.random(in: 900...3500, using: &random)
        }
        self.steps = steps
    }

    /// A disturbance, weighted towards the ones issue 18 found holes with.
    private static func action(using random: inout SeededGenerator) -> ChaosAction {
        let slot = WorkerSlot.all[Int.random(in: 0..<WorkerSlot.all.count, using: &random)]
        let dispatch = WorkerSlot(kind: .dispatch, replica: Int.random(in: 1...2, using: &random))
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<14:
            return .kill(slot, downMs: Int.random(in: 0...1500, using: &random))
        case 14..<24:
            return .restartBroker
        case 24..<34:
            return .closeConnection(slot, times: 1, everyMs: 0)
        case 34..<44:
            return .closeConnection(dispatch, times: Int.random(in: 4...12, using: &random), everyMs: Int.random(in: 80...250, using: &random))
        case 44..<56:
            let endpoint = [nil, "dm-send", "dm-read"][Int.random(in: 0..<3, using: &random)]
            return .xFault(
                EmulatorFault(
                    endpoint: endpoint, kind: .status, status: [500, 502, 503][Int.random(in: 0..<3, using: &random)],
                    count: Int.random(in: 1...4, using: &random)))
        case 56..<63:
            let endpoint = ["dm-send", "dm-read"][Int.random(in: 0..<2, using: &random)]
            return .xFault(EmulatorFault(endpoint: endpoint, kind: .drop, count: Int.random(in: 1...2, using: &random)))
        case 63..<72:
            return .xFault(
                EmulatorFault(
                    endpoint: "dm-send", kind: .lateAnswer,
                    delayMs: apiTimeoutMs + Int.random(in: 300...2000, using: &random), count: 1))
        case 72..<79:
            return .xFault(EmulatorFault(endpoint: "dm-send", kind: .lostAnswer, count: 1))
        case 79..<85:
            let endpoint = ["dm-send", "dm-read"][Int.random(in: 0..<2, using: &random)]
            return .xFault(EmulatorFault(endpoint: endpoint, kind: .malformed, count: 1))
        case 85..<90:
            // The request reaches X only after the client gave up: X stores it late.
            return .xFault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: apiTimeoutMs + Int.random(in: 200...1500, using: &random), count: 1))
        default:
            return .lateAnswerThenBrokerRestart(
                delayMs: apiTimeoutMs + Int.random(in: 500...2000, using: &random),
                restartAfterMs: Int.random(in: 300...1200, using: &random))
        }
    }

    var description: String {
        "seed \(seed): \(dms.count) DMs from \(Self.customerCount) customers over \(faultWindowMs) ms; \(steps.count) disturbances:\n"
            + steps.map { "  +\($0.atMs) ms  \($0.action)" }.joined(separator: "\n")
    }
}
