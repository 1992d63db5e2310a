/// Every record of one table of the state, in the columns of `StateTransferSchema`, for moving a
/// deployment from one backend to another (`kiamo-twitter state migrate`).
///
/// Unmasked: it carries OAuth tokens. It lives in memory between the two stores and is never
/// printed or written anywhere.
public struct StateTable: Sendable, Equatable {
    /// The table's name in `StateTransferSchema`.
    public var name: String
    /// Its rows, each with one value per column of `StateTransferSchema.columns(of:)`, in that
    /// order, sorted by the table's key so two exports of the same state compare equal.
    public var rows: [[StateValue]]

    public init(name: String, rows: [[StateValue]]) {
        self.name = name
        self.rows = rows
    }
}
