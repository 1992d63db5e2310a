import KiamoTwitter
import SharedState
import TestSupport
import XEmulator

/// Everything a seed's verdict is made from, gathered once faults stopped and everything drained.
struct ChaosObservation: Sendable {
    /// The DMs customers wrote, in the order they wrote them.
    var posted: [PostedDM]
    /// What the agent stored: every message `fetch()` handed over, its replies, its uncertain sends.
    var agent: AgentState?
    /// X's sent list, oldest first: the truth about replies.
    var sent: [SentDirectMessage]
    /// Every report taken from the reports queue.
    var reports: [DeliveryReport]
    /// Messages ready in each queue at the end.
    var depths: [String: UInt32]
    /// How each process ended on SIGTERM, by process name.
    var exits: [String: RunningProcess.Exit]
    /// Workers that died without being killed by the schedule.
    var diedOnTheirOwn: [String]
    /// The send ledger's state of each reply's command.
    var ledger: [String: SendState]
    /// Set when the drain gave up waiting.
    var drainProblem: String?
}
