import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether a lease holder is known dead, from a lock the kernel frees when its process ends.
///
/// Each owner that takes a lease holds an exclusive `flock` on a file of its own in a folder
/// beside the state file, for as long as its process lives. Another process that finds the
/// lock free knows the holder is gone (SIGKILL, a crash, an OOM kill: the kernel releases the
/// lock with the process), and may take its lease at once instead of waiting for the TTL. The
/// state file is shared only where POSIX locks work (one host, or a volume whose locks work),
/// so the same goes for these locks, across containers too (no pid or host name is compared).
///
/// Unknown is never dead: no file (an owner from another host or an older release, or one whose
/// file was swept), an unreadable folder or any error answers "not known gone", and the TTL
/// applies as before. Descriptors are opened close-on-exec, so a child never inherits a lock.
public final class OwnerLiveness: Sendable {
    /// The folder of lock files, or nil when liveness is not tracked (then nobody is known gone).
    public let directory: String?
    private let held = Mutex<[String: Int32]>([:])

    public init(directory: String?) {
        self.directory = directory
    }

    /// The folder beside a state file: `<file>.owners`.
    public static func beside(stateFile file: String) -> OwnerLiveness {
        OwnerLiveness(directory: file + ".owners")
    }

    /// Locks `owner`'s file for the rest of this process's life (idempotent). Returns whether the
    /// lock is held; false leaves the owner unknown to the others (they wait for the TTL).
    @discardableResult
    public func markAlive(_ owner: String) -> Bool {
        guard let path = path(of: owner) else { return false }
        return held.withLock { held in
            if held[owner] != nil { return true }
            _ = mkdir(directory ?? "", 0o755)
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return false }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                return false
            }
            held[owner] = fd
            return true
        }
    }

    /// True only when `owner`'s lock file exists and nobody holds its lock: its process is gone.
    /// The file is removed then (its owner will never come back: owner ids are unique per process),
    /// unless `forgetting` is false: a look that takes nothing must leave the evidence to the
    /// acquisition that follows it, or that one finds no file and waits for the TTL.
    public func isGone(_ owner: String, forgetting: Bool = true) -> Bool {
        guard let path = path(of: owner), held.withLock({ $0[owner] == nil }) else { return false }
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        if forgetting { unlink(path) }
        return true
    }

    /// The lock file of `owner`: its id with anything but letters, digits, `.`, `-` and `_`
    /// replaced, so an owner id can never name a path outside the folder.
    func path(of owner: String) -> String? {
        guard let directory, !owner.isEmpty else { return nil }
        let safe = String(
            owner.unicodeScalars.map { scalar -> Character in
                let allowed = CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "._-".unicodeScalars.contains(scalar)
                return allowed ? Character(scalar) : "_"
            })
        return directory + "/" + safe + ".lock"
    }
}
