import AMQP

/// What `setup` declared.
public struct SetupReport: AdminReport {
    public var exchanges: [String]
    public var queues: [String]
    public var bindings: [String]
    public var stateURL: String

    public var lines: [String] {
        ["exchanges: " + exchanges.joined(separator: ", "), "queues:"] + queues.map { "  \($0)" }
            + ["bindings:"] + bindings.map { "  \($0)" } + ["state store ready: \(stateURL)", "topology declared"]
    }
}
