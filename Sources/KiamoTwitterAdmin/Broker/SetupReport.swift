import AMQP
import KiamoTwitter

/// What `setup` declared.
public struct SetupReport: AdminReport {
    var exchanges: [String]
    var queues: [String]
    var bindings: [String]
    var stateURL: String
    /// `rabbitmqctl set_policy` lines of the queue bounds: AMQP cannot set a policy.
    var policies: [String] = []

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        ["exchanges: " + exchanges.joined(separator: ", "), "queues:"] + queues.map { "  \($0)" }
            + ["bindings:"] + bindings.map { "  \($0)" } + ["state store ready: \(stateURL)", "topology declared"]
            + (policies.isEmpty
                ? []
                : ["queue bounds: run once as the broker's administrator (compose's definitions carry them):"]
                    + policies.map { "  \($0)" })
    }
}
