/// Reading and writing every record of a store, for moving a deployment between backends with
/// the workers stopped (`kiamo-twitter state migrate`). Not for the workers' own use.
public protocol StateTransfer: Sendable {
    /// Every table of `StateTransferSchema`, read in one consistent snapshot.
    func exportTables() async throws -> [StateTable]

    /// Writes `tables` in one transaction into a store that holds no records; throws
    /// `StateStoreError.notEmpty` (and writes nothing) when it holds any.
    func importTables(_ tables: [StateTable]) async throws
}
