import AMQP

/// What `setup` declared.
public struct SetupReport: AdminReport {
    var exchanges: [String]
    var queues: [String]
    var bindings: [String]
    var stateURL: String

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        ["exchanges: " + exchanges.joined(separator: ", "), "queues:"] + queues.map { "  \($0)" }
            + ["bindings:"] + bindings.map { "  \($0)" } + ["state store ready: \(stateURL)", "topology declared"]
    }
}
