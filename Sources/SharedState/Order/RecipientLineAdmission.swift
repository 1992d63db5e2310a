/// What a dispatch process does with a command about to be claimed and posted, as the
/// recipient's line in the state store says.
public enum RecipientLineAdmission: Sendable, Hashable {
    /// Post it; `ticket` goes to `RecipientLines.leaveLine` once it is settled.
    case go(ticket: UInt64)
    /// An earlier reply to the same recipient waits in `tier`: park this one there too (it is in
    /// the line now, behind it).
    case parkBehind(tier: Duration)
    /// The earlier reply ahead of it is being posted (`beingPosted`), or is due back from its
    /// tier: ask again shortly instead of parking for a whole tier. (A head due back may be
    /// waiting behind the asker in its own process, so that wait is kept short.)
    case waitForHead(beingPosted: Bool)
}
