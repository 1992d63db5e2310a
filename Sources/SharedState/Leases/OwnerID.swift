import Foundation

/// Owner ids for leases and send claims: unique per process instance.
public enum OwnerID {
    /// `host:pid:random`, so a restarted process (same pid on a new container) never passes for
    /// its predecessor, and an operator reading a lease can tell where its holder runs.
    public static func make() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(random)"
    }
}
