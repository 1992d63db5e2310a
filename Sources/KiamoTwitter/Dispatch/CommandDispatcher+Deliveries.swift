import SharedState

/// What the engine asks of the send ledger and the recipient lines around a delivery, through the
/// dispatcher that owns them (the engine holds no state of its own to reach into).
extension CommandDispatcher {
    /// The configured accounts, sorted.
    public var accounts: [String] { clients.keys.sorted() }

    /// The command at the head of `command`'s recipient line, if the line could be read.
    public func headOfLine(_ command: SendCommand) async -> String? {
        try? await state.recipientLine(account: command.accountId, recipient: command.recipientId).first?.commandId
    }

    /// Earlier deliveries of `command` that began and never settled (0 when the ledger cannot say).
    public func unsettledDeliveries(of command: SendCommand) async -> Int {
        (try? await state.unsettledDeliveries(account: command.accountId, commandId: command.id)) ?? 0
    }

    /// Counts this delivery of `command` before any work; returns how many are counted so far.
    public func beginDelivery(of command: SendCommand) async throws -> Int {
        try await state.beginDelivery(account: command.accountId, commandId: command.id)
    }

    /// The broker took the settlement of a counted delivery: it is no longer held against `command`.
    public func settleDelivery(of command: SendCommand, finished: Bool) async throws {
        try await state.settleDelivery(account: command.accountId, commandId: command.id, finished: finished)
    }

    /// Renews the places of the commands this process holds in their recipients' lines.
    public func keepPlaces(_ arrivals: [LineArrival], posting: Duration) async throws {
        try await state.keepPlaces(arrivals, posting: posting)
    }

    /// Forgets `account`'s ledger entries past `dispatch.sentRetention`; returns how many.
    public func pruneSends(account: String) async throws -> Int {
        try await state.pruneSends(account: account)
    }
}
