/// The outcome of a compare-and-set token write.
public enum TokenWrite: Sendable, Hashable {
    /// The pair was stored; this is it with its new version.
    case stored(StoredToken)
    /// The stored version was not the expected one; `current` is what is stored (nil: nothing).
    case conflict(current: StoredToken?)
}
