/// What a dispatch process does with a command about to be claimed and posted, as the
/// recipient's line in the state store says.
public enum RecipientLineAdmission: Sendable, Hashable {
    /// Post it; `ticket` goes to `StateStore.leaveLine` once it is settled.
    case go(ticket: UInt64)
    /// An earlier reply to the same recipient waits in `tier`: park this one there too (it is in
    /// the line now, behind it).
    case parkBehind(tier: Duration)
    /// The earlier reply ahead of it is being posted, or is due back from its tier: ask again
    /// shortly instead of parking for a whole tier.
    case waitForHead
}
