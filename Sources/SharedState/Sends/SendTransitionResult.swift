/// The outcome of a compare-and-set transition of a send entry.
public enum SendTransitionResult: Sendable, Hashable {
    /// The transition applied; this is the entry now stored.
    case applied(SendEntry)
    /// The entry was not in the state the transition needs (e.g. the caller's claim was taken
    /// over as stale); `current` is what is stored (nil: no entry).
    case rejected(current: SendEntry?)
}
