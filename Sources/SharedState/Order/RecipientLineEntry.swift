import Foundation

/// One command in a recipient's line: the replies to one customer (of one account) that wait
/// behind an earlier one parked in a retry tier, kept in the state store so every dispatch
/// process sees the same line.
public struct RecipientLineEntry: Sendable, Hashable {
    /// The send command's id.
    public var commandId: String
    /// The retry tier its copy waits in; nil while it was never parked (admitted, being posted).
    public var tier: Duration?
    /// When its copy was last parked; nil while it was never parked.
    public var parkedAt: Date?
    /// The store-wide ticket of its last parking (0: never parked): a handling admitted before
    /// it was not the one that parked it, and does not take it out of the line when it settles.
    public var parkedTicket: UInt64
    /// The store-wide ticket of its last admission (0: never admitted).
    public var admittedTicket: UInt64
    /// When it was last admitted to be posted; nil while it was not.
    public var admittedAt: Date?
    /// After this the line moves on without it (its copy was lost, or its process died).
    public var expiresAt: Date

    /// An entry.
    public init(
        commandId: String, tier: Duration? = nil, parkedAt: Date? = nil, parkedTicket: UInt64 = 0,
        admittedTicket: UInt64 = 0, admittedAt: Date? = nil, expiresAt: Date
    ) {
        self.commandId = commandId
        self.tier = tier
        self.parkedAt = parkedAt
        self.parkedTicket = parkedTicket
        self.admittedTicket = admittedTicket
        self.admittedAt = admittedAt
        self.expiresAt = expiresAt
    }

    /// Admitted since it was last parked, recently enough that its process is presumably still
    /// posting it: the followers that are back wait for it to settle rather than park again.
    public func isBeingPosted(now: Date, within posting: Duration) -> Bool {
        guard let admittedAt, admittedTicket > parkedTicket else { return false }
        return now < admittedAt.addingTimeInterval(posting.seconds)
    }

    /// Arrived in a process (`RecipientLineRules.joined`) and neither admitted nor parked since:
    /// that process asks for it shortly, unless it died (then the entry expires).
    public var isWaitingToAsk: Bool { admittedAt == nil && parkedAt == nil }

    /// Parked, and its copy should be back from its tier by now: about to be admitted.
    public func isDue(now: Date) -> Bool {
        guard let parkedAt, let tier, parkedTicket >= admittedTicket else { return false }
        return now >= parkedAt.addingTimeInterval(tier.seconds)
    }
}
