import KiamoTwitter

/// What an operation of `kiamo-twitter` answers: a value printed as lines for a person, or encoded
/// as one JSON document for a script (`--json`). Reports never hold a secret unless the operator
/// asked for it (`request --show-secrets`).
public protocol AdminReport: Encodable, Sendable {
    /// The report for a person, one line each.
    var lines: [String] { get }
}
