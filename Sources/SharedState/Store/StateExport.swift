import Foundation

/// A read of every account's state for people, never for decisions: the debug export of the
/// original's resource files (`StateDebugExport`) and `kiamo-twitter state show`.
///
/// Apart from the other roles because it crosses accounts and reads everything at once; secrets
/// are masked before they leave the store.
public protocol StateExport: Sendable {
    /// Every account's masked token, cursor and cache, for `StateDebugExport`.
    func debugSnapshot() async throws -> StateSnapshot
}
