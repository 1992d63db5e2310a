import XEmulator

/// One disturbance of the schedule.
enum ChaosAction: Sendable, Equatable, CustomStringConvertible {
    /// SIGKILL the worker, start it again after `downMs`.
    case kill(WorkerSlot, downMs: Int)
    /// Stop RabbitMQ's application and start it again: every connection drops, quorum queues stay.
    case restartBroker
    /// `rabbitmqctl close_connection` on the worker's connection(s), `times` times `everyMs` apart:
    /// once is a dropped connection, several are a flapping network.
    case closeConnection(WorkerSlot, times: Int, everyMs: Int)
    /// A fault for the next matching X requests (`EmulatorFault`).
    case xFault(EmulatorFault)
    /// X stores a reply's DM but answers past the client timeout, and the broker restarts while
    /// dispatch waits: the outcome is unknown when the connection drops (issue 18, hole 4).
    case lateAnswerThenBrokerRestart(delayMs: Int, restartAfterMs: Int)

    var description: String {
        switch self {
        case .kill(let slot, let downMs): "kill -9 \(slot), restart after \(downMs) ms"
        case .restartBroker: "restart the broker"
        case .closeConnection(let slot, let times, let everyMs):
            times == 1 ? "close \(slot)'s broker connection" : "close \(slot)'s broker connection \(times) times, every \(everyMs) ms"
        case .xFault(let fault):
            "X fault \(fault.kind.rawValue)\(fault.status.map { " \($0)" } ?? "")\(fault.delayMs.map { " \($0) ms" } ?? "") on \(fault.endpoint ?? "every endpoint") ×\(fault.count)"
        case .lateAnswerThenBrokerRestart(let delayMs, let restartAfterMs):
            "X answers a reply's post \(delayMs) ms late after storing it; broker restarts \(restartAfterMs) ms into it"
        }
    }
}
